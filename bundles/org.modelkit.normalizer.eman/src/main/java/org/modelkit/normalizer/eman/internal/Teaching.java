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
import org.modelkit.nn.GradientGuard;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Networks;
import org.modelkit.nn.Parameters;
import org.modelkit.nn.Scalars;

/**
 * FixMatch and MoCo v2 with an EMA teacher, on a small BN-CNN for grey images, in plain Java over DJL
 * (constructible without OSGi). The teacher follows the student through the given {@link Normalizer}
 * after every step (FixMatch, as the EMAN code does after {@code optimizer.step()}) or before computing
 * the keys (MoCo, as in the EMAN code's {@code forward}). Scoring is {@link Evaluation}, the files
 * {@link TeachFiles}, the student-teacher pair {@link StudentTeacher}.
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
    private final Evaluation evaluation;

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
        evaluation = new Evaluation(request.labelled(), request.test(), settings.evalBatchSize(), settings.knn());
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
                        lossSum += counted(st.step(t -> {
                            NDArray logp = t.forward(new NDList(batch)).singletonOrThrow().logSoftmax(1);
                            NDArray supervised = logp.get(new NDIndex("0:" + b)).mul(labels.oneHot(classes))
                                    .sum(new int[] {1}).neg().mean();
                            NDArray unsupervised = logp.get(new NDIndex(b + ":")).mul(pseudo.oneHot(classes))
                                    .sum(new int[] {1}).neg().mul(mask).mean();
                            return supervised.add(Scalars.mul(unsupervised, lambda));
                        }));
                        maskSum += mask.sum().getFloat();
                    }
                    step++;
                    st.follow(momentum(step, total));
                }
                loss[epoch] = lossSum / stepsPerEpoch;
                maskRate[epoch] = maskSum / nu;
                studentAcc[epoch] = evaluation.accuracy(st.manager(), x -> st.studentInference(x));
                teacherAcc[epoch] = evaluation.accuracy(st.manager(), x -> st.teacher(x));
                progress.report("epoch", epoch + 1, epochs);
            }
            TeachResult result = new TeachResult(Paradigm.FIXMATCH, normalizer.name(), backend.id(), loss, studentAcc,
                    teacherAcc, maskRate, step, request.output());
            // the student and the teacher are the classifier the spec rebuilds (ModelFiles loads either)
            TeachFiles.save(request.output(), st, result, new ModelSpec("small-cnn", classes, "relu", true, null,
                    new int[] {1, h, w}));
            return result;
        }
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
                        lossSum += counted(st.step(t -> {
                            NDArray q = t.forward(new NDList(queries)).singletonOrThrow().normalize(2, 1);
                            NDArray positive = q.mul(keys).sum(new int[] {1}, true);
                            NDArray logits = Scalars.div(positive.concat(q.matMul(negatives), 1), temperature);
                            return logits.logSoftmax(1).get(new NDIndex(":, 0")).neg().mean();
                        }));
                        queue.set(new NDIndex(ptr + ":" + (ptr + b)), keys);
                        ptr = (ptr + b) % settings.queueSize();
                    }
                    step++;
                }
                loss[epoch] = lossSum / stepsPerEpoch;
                Block studentTrunk = trunk(st.student());
                Block teacherTrunk = trunk(st.teacher());
                studentAcc[epoch] = evaluation.knnAccuracy(st.manager(), x -> st.studentInference(studentTrunk, x));
                teacherAcc[epoch] = evaluation.knnAccuracy(st.manager(), x -> st.teacher(teacherTrunk, x));
                progress.report("epoch", epoch + 1, epochs);
            }
            TeachResult result = new TeachResult(Paradigm.MOCO, normalizer.name(), backend.id(), loss, studentAcc,
                    teacherAcc, maskRate, step, request.output());
            TeachFiles.save(request.output(), st, result, null); // an encoder, not a classifier: no model.json
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
            return evaluation.knnAccuracy(st.manager(), x -> st.teacher(teacherTrunk, x));
        }
    }

    // ---------------------------------------------------------------- helpers

    private void read(FloatBuffer src, int row, float[] dst) {
        src.position(row * per);
        src.get(dst, 0, per);
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

    /** @return a step's loss for the epoch's mean; a skipped step (NaN, see {@link GradientGuard}) adds nothing */
    private static float counted(float loss) {
        return Float.isFinite(loss) ? loss : 0;
    }
}
