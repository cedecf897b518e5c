package org.modelkit.normalizer.eman.internal;

import org.modelkit.compute.api.TensorBackend;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.teach.Paradigm;
import org.modelkit.api.teach.TeachRequest;
import org.modelkit.api.teach.TeachResult;
import org.modelkit.compute.api.normalizer.MomentumSchedule;
import org.modelkit.compute.api.normalizer.Normalizer;
import org.modelkit.io.Csv;
import org.modelkit.io.LinePlot;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.Networks;
import org.modelkit.nn.Parameters;

/**
 * FixMatch and MoCo v2 with an EMA teacher, on a small BN-CNN for grey images, in plain Java over DJL
 * (constructible without OSGi). The teacher follows the student through the given {@link Normalizer}
 * after every step (FixMatch, as the EMAN code does after {@code optimizer.step()}) or before computing
 * the keys (MoCo, as in the EMAN code's {@code forward}).
 */
final class Teaching {
    private final TeachRequest request;
    private final Normalizer normalizer;
    private final Settings settings;
    private final TensorBackend backend;
    private final int h;
    private final int w;
    private final int per;
    private final int classes;
    private final Augment augment;

    Teaching(TeachRequest request, Normalizer normalizer, Settings settings, TensorBackend backend) {
        this.request = request;
        this.normalizer = normalizer;
        this.settings = settings;
        this.backend = backend;
        int[] shape = request.labelled().features().shape();
        if (shape.length == 3) {
            h = shape[1];
            w = shape[2];
        } else if (shape.length == 4 && shape[1] == 1) {
            h = shape[2];
            w = shape[3];
        } else {
            throw new IllegalArgumentException("student-teacher training takes grey images [n, h, w] or [n, 1, h, w];"
                    + " the labelled set has shape " + java.util.Arrays.toString(shape));
        }
        if (h < 7 || w < 7) {
            throw new IllegalArgumentException("images of " + h + "x" + w + " are too small for the network (at least 7x7)");
        }
        per = h * w;
        classes = request.labelled().classCount();
        augment = new Augment(h, w);
    }

    TeachResult run(Progress progress) throws IOException {
        return request.paradigm() == Paradigm.FIXMATCH ? fixMatch(progress) : moco(progress);
    }

    private Shape inputShape() {
        return new Shape(1, 1, h, w);
    }

    private double momentum(long step, long total) {
        double m = new MomentumSchedule(settings.emaMomentum(), settings.cosineMomentum()).at(step, total);
        // the mean teacher's warm-up (Tarvainen and Valpola, 2017): until about 1/(1-m) steps have passed,
        // the teacher is the plain average of the student's states, so the initial state (running variance
        // 1, random weights) does not linger in an EMA whose window is longer than the run so far
        return settings.emaWarmup() ? Math.min(m, step / (step + 1.0)) : m;
    }

    private Optimizer sgd(long totalSteps) {
        float base = (float) settings.learningRate();
        Tracker cosine = step -> (float) (base * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, totalSteps) / totalSteps)));
        return Optimizer.sgd().setLearningRateTracker(cosine).optMomentum(0.9f)
                .optWeightDecays((float) settings.weightDecay()).build();
    }

    // ---------------------------------------------------------------- FixMatch

    private TeachResult fixMatch(Progress progress) throws IOException {
        LabelledSet labelled = request.labelled();
        Tensor unlabelled = request.unlabelled();
        int b = settings.batchSize();
        int ub = settings.unlabelledRatio() * b;
        int nu = unlabelled.dim(0);
        int stepsPerEpoch = (nu + ub - 1) / ub;
        long total = (long) stepsPerEpoch * request.epochs();
        int epochs = request.epochs();
        double[] loss = new double[epochs];
        double[] studentAcc = new double[epochs];
        double[] teacherAcc = new double[epochs];
        double[] maskRate = new double[epochs];
        Random rnd = new Random(request.seed());
        Cycle lcycle = new Cycle(labelled.size(), rnd);
        int[] uorder = Sampling.range(nu);
        long step = 0;
        try (StudentTeacher st = new StudentTeacher(() -> Networks.smallCnn(classes, Networks.Nonlinearity.RELU, true),
                inputShape(), normalizer, sgd(total), backend, request.seed())) {
            FloatBuffer lsrc = labelled.features().asBuffer();
            FloatBuffer usrc = unlabelled.asBuffer();
            float[] sample = new float[per];
            for (int epoch = 0; epoch < epochs; epoch++) {
                Sampling.shuffle(uorder, rnd);
                double lossSum = 0;
                double maskSum = 0;
                for (int s = 0; s < stepsPerEpoch; s++) {
                    progress.checkCancelled();
                    int from = s * ub;
                    int n = Math.min(ub, nu - from);
                    float[] x = new float[(b + n) * per]; // labelled weak views, then unlabelled strong views
                    float[] weakU = new float[n * per];
                    long[] y = new long[b];
                    for (int i = 0; i < b; i++) {
                        int row = lcycle.next();
                        y[i] = labelled.label(row);
                        read(lsrc, row, sample);
                        augment.weak(sample, 0, x, i * per, rnd);
                    }
                    for (int i = 0; i < n; i++) {
                        read(usrc, uorder[from + i], sample);
                        augment.weak(sample, 0, weakU, i * per, rnd);
                        augment.strong(sample, 0, x, (b + i) * per, rnd);
                    }
                    try (NDManager m = st.manager().newSubManager()) {
                        NDArray probs = st.teacher(new NDList(Datasets.rows(m, weakU, new int[] {h, w}, n)))
                                .singletonOrThrow().softmax(1);
                        NDArray pseudo = probs.argMax(1);
                        NDArray mask = probs.max(new int[] {1}).gte(settings.threshold()).toType(DataType.FLOAT32, false);
                        NDArray labels = m.create(y);
                        NDArray batch = Datasets.rows(m, x, new int[] {h, w}, b + n);
                        float lambda = (float) settings.lambdaU();
                        lossSum += st.step(t -> {
                            NDArray logp = t.forward(new NDList(batch)).singletonOrThrow().logSoftmax(1);
                            NDArray supervised = logp.get(new NDIndex("0:" + b)).mul(labels.oneHot(classes))
                                    .sum(new int[] {1}).neg().mean();
                            NDArray unsupervised = logp.get(new NDIndex(b + ":")).mul(pseudo.oneHot(classes))
                                    .sum(new int[] {1}).neg().mul(mask).mean();
                            return supervised.add(unsupervised.mul(lambda));
                        });
                        maskSum += mask.sum().getFloat();
                    }
                    step++;
                    st.follow(momentum(step, total));
                }
                loss[epoch] = lossSum / stepsPerEpoch;
                maskRate[epoch] = maskSum / nu;
                studentAcc[epoch] = accuracy(st, x -> st.studentInference(x));
                teacherAcc[epoch] = accuracy(st, x -> st.teacher(x));
                progress.report("epoch", epoch + 1, epochs);
            }
            TeachResult result = new TeachResult(Paradigm.FIXMATCH, normalizer.name(), backend.id(), loss, studentAcc,
                    teacherAcc, maskRate, step, request.output());
            save(st, result);
            return result;
        }
    }

    /** Test accuracy of a classifier given as a forward function. */
    private double accuracy(StudentTeacher st, Function<NDList, NDList> forward) {
        LabelledSet test = request.test();
        int ok = 0;
        for (int s = 0; s < test.size(); s += settings.evalBatchSize()) {
            int[] rows = range(s, Math.min(test.size(), s + settings.evalBatchSize()));
            try (NDManager m = st.manager().newSubManager()) {
                ok += test.correct(rows, forward.apply(new NDList(Datasets.rows(m, test.features(), rows)))
                        .singletonOrThrow().argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray());
            }
        }
        return (double) ok / test.size();
    }

    // ---------------------------------------------------------------- MoCo v2

    private Block encoder() {
        SequentialBlock head = new SequentialBlock().add(Linear.builder().setUnits(128).build())
                .add(Activation.reluBlock()).add(Linear.builder().setUnits(settings.embeddingDim()).build());
        return new SequentialBlock().add(Networks.smallCnnTrunk(Networks.Nonlinearity.RELU, true)).add(head);
    }

    private static Block trunk(Block encoder) {
        return encoder.getChildren().get(0).getValue();
    }

    private TeachResult moco(Progress progress) throws IOException {
        Tensor unlabelled = request.unlabelled();
        int b = settings.batchSize();
        int nu = unlabelled.dim(0);
        if (nu < b) {
            throw new IllegalArgumentException("MoCo needs at least batchSize = " + b + " unlabelled samples, got " + nu);
        }
        int stepsPerEpoch = nu / b;
        long total = (long) stepsPerEpoch * request.epochs();
        int epochs = request.epochs();
        double[] loss = new double[epochs];
        double[] studentAcc = new double[epochs];
        double[] teacherAcc = new double[epochs];
        double[] maskRate = new double[epochs];
        java.util.Arrays.fill(maskRate, Double.NaN);
        Random rnd = new Random(request.seed());
        int[] order = Sampling.range(nu);
        long step = 0;
        float temperature = (float) settings.temperature();
        try (StudentTeacher st = new StudentTeacher(this::encoder, inputShape(), normalizer, sgd(total), backend,
                request.seed())) {
            NDArray queue = st.manager().randomNormal(new Shape(settings.queueSize(), settings.embeddingDim()))
                    .normalize(2, 1);
            int ptr = 0;
            FloatBuffer src = unlabelled.asBuffer();
            float[] sample = new float[per];
            for (int epoch = 0; epoch < epochs; epoch++) {
                Sampling.shuffle(order, rnd);
                double lossSum = 0;
                for (int s = 0; s < stepsPerEpoch; s++) {
                    progress.checkCancelled();
                    float[] xq = new float[b * per];
                    float[] xk = new float[b * per];
                    for (int i = 0; i < b; i++) {
                        read(src, order[s * b + i], sample);
                        augment.view(sample, 0, xq, i * per, rnd);
                        augment.view(sample, 0, xk, i * per, rnd);
                    }
                    // the key encoder follows before computing the keys, as in MoCo
                    st.follow(momentum(step, total));
                    try (NDManager m = st.manager().newSubManager()) {
                        NDArray keys = st.teacher(new NDList(Datasets.rows(m, xk, new int[] {h, w}, b)))
                                .singletonOrThrow().normalize(2, 1);
                        NDArray queries = Datasets.rows(m, xq, new int[] {h, w}, b);
                        NDArray negatives = queue.transpose();
                        lossSum += st.step(t -> {
                            NDArray q = t.forward(new NDList(queries)).singletonOrThrow().normalize(2, 1);
                            NDArray positive = q.mul(keys).sum(new int[] {1}, true);
                            NDArray logits = positive.concat(q.matMul(negatives), 1).div(temperature);
                            return logits.logSoftmax(1).get(new NDIndex(":, 0")).neg().mean();
                        });
                        queue.set(new NDIndex(ptr + ":" + (ptr + b)), keys);
                        ptr = (ptr + b) % settings.queueSize();
                    }
                    step++;
                }
                loss[epoch] = lossSum / stepsPerEpoch;
                Block studentTrunk = trunk(st.student());
                Block teacherTrunk = trunk(st.teacher());
                studentAcc[epoch] = knnAccuracy(st, x -> st.studentInference(studentTrunk, x));
                teacherAcc[epoch] = knnAccuracy(st, x -> st.teacher(teacherTrunk, x));
                progress.report("epoch", epoch + 1, epochs);
            }
            TeachResult result = new TeachResult(Paradigm.MOCO, normalizer.name(), backend.id(), loss, studentAcc,
                    teacherAcc, maskRate, step, request.output());
            save(st, result);
            return result;
        }
    }

    /**
     * @return the kNN accuracy of the untrained encoder (the same seed's initialisation, no step taken):
     *         the baseline a MoCo run's features are measured against
     */
    double untrainedKnnAccuracy() {
        try (StudentTeacher st = new StudentTeacher(this::encoder, inputShape(), normalizer, sgd(1), backend,
                request.seed())) {
            Block teacherTrunk = trunk(st.teacher());
            return knnAccuracy(st, x -> st.teacher(teacherTrunk, x));
        }
    }

    /** L2-normalised features of all samples of a set, on the device. */
    private NDArray features(NDManager m, Tensor set, Function<NDList, NDList> forward) {
        List<NDArray> parts = new ArrayList<>();
        int n = set.dim(0);
        for (int s = 0; s < n; s += settings.evalBatchSize()) {
            int[] rows = range(s, Math.min(n, s + settings.evalBatchSize()));
            parts.add(forward.apply(new NDList(Datasets.rows(m, set, rows))).singletonOrThrow().normalize(2, 1));
        }
        return NDArrays.concat(new NDList(parts));
    }

    /**
     * k-nearest-neighbour classification of the test set with the labelled samples as memory: the k most
     * cosine-similar labelled samples vote with weight exp(similarity / 0.07), as in the instance
     * discrimination and MoCo evaluations.
     */
    private double knnAccuracy(StudentTeacher st, Function<NDList, NDList> forward) {
        LabelledSet memory = request.labelled();
        LabelledSet test = request.test();
        int k = Math.min(settings.knn(), memory.size());
        int ok = 0;
        try (NDManager m = st.manager().newSubManager()) {
            NDArray mem = features(m, memory.features(), forward);
            NDArray memT = mem.transpose();
            for (int s = 0; s < test.size(); s += settings.evalBatchSize()) {
                int[] rows = range(s, Math.min(test.size(), s + settings.evalBatchSize()));
                try (NDManager mm = m.newSubManager()) {
                    NDArray q = forward.apply(new NDList(Datasets.rows(mm, test.features(), rows))).singletonOrThrow()
                            .normalize(2, 1);
                    float[] sim = q.matMul(memT).toFloatArray();
                    for (int i = 0; i < rows.length; i++) {
                        ok += vote(sim, i * memory.size(), memory, k) == test.label(rows[i]) ? 1 : 0;
                    }
                }
            }
        }
        return (double) ok / test.size();
    }

    private int vote(float[] sim, int off, LabelledSet memory, int k) {
        int n = memory.size();
        Integer[] idx = new Integer[n];
        for (int j = 0; j < n; j++) {
            idx[j] = j;
        }
        java.util.Arrays.sort(idx, (a, c) -> Float.compare(sim[off + c], sim[off + a]));
        double[] score = new double[classes];
        for (int j = 0; j < k; j++) {
            score[memory.label(idx[j])] += Math.exp(sim[off + idx[j]] / 0.07);
        }
        int best = 0;
        for (int c = 1; c < classes; c++) {
            best = score[c] > score[best] ? c : best;
        }
        return best;
    }

    // ---------------------------------------------------------------- output

    /** Parameters, per-epoch figures and the plot, each file written atomically, after the last epoch. */
    private void save(StudentTeacher st, TeachResult r) throws IOException {
        Path out = request.output();
        if (out == null) {
            return;
        }
        Files.createDirectories(out);
        Parameters.save(st.student(), out.resolve("student.params"));
        Parameters.save(st.teacher(), out.resolve("teacher.params"));
        List<List<?>> rows = new ArrayList<>();
        for (int e = 0; e < r.loss().length; e++) {
            rows.add(List.of(e + 1, fmt(r.loss()[e]), fmt(r.studentAccuracy()[e]), fmt(r.teacherAccuracy()[e]),
                    fmt(r.maskRate()[e])));
        }
        Csv.writeRows(out.resolve("history.csv"), List.of("epoch", "loss", "student_accuracy", "teacher_accuracy",
                "mask_rate"), rows);
        String what = r.paradigm() == Paradigm.FIXMATCH ? "test accuracy" : "kNN test accuracy";
        LinePlot.write(out.resolve("accuracy.png"), r.paradigm().label() + " with " + r.normalizer() + ": " + what,
                "epoch", what, false, List.of(
                        LinePlot.Series.of("teacher (" + r.normalizer() + ")", r.teacherAccuracy(), 0, false),
                        LinePlot.Series.of("student", r.studentAccuracy(), 0, true)));
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.5f", v);
    }

    // ---------------------------------------------------------------- helpers

    private void read(FloatBuffer src, int row, float[] dst) {
        src.position(row * per);
        src.get(dst, 0, per);
    }


    private static int[] range(int from, int to) {
        int[] a = new int[to - from];
        for (int i = 0; i < a.length; i++) {
            a[i] = from + i;
        }
        return a;
    }

    /** Endless passes over 0..n-1, each in a new random order. */
    private static final class Cycle {
        private final int[] order;
        private final Random random;
        private int pos;

        Cycle(int n, Random random) {
            this.order = Sampling.range(n);
            this.random = random;
            Sampling.shuffle(order, random);
        }

        int next() {
            if (pos == order.length) {
                Sampling.shuffle(order, random);
                pos = 0;
            }
            return order[pos++];
        }
    }
}
