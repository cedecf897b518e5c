package org.modelkit.forecaster.trainingtime.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.trainingtime.TrainingForecast;
import org.modelkit.api.trainingtime.TrainingPlan;
import org.modelkit.compute.api.linearizer.LinearizedBatch;
import org.modelkit.compute.api.linearizer.LinearizedModel;
import org.modelkit.compute.api.linearizer.Linearizer;
import org.modelkit.compute.api.linearizer.Projection;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.Networks;
import org.modelkit.nn.Scalars;
import org.modelkit.nn.Training;

/**
 * The predictor's steps on a model folder: the starting network (the folder's, or with a new seeded head),
 * its linearization at w0 through the {@link Linearizer} (every parameter, float64), the Jacobian rows of
 * the training samples (or of a seeded subset), Θ = JJᵀ, and the {@link ModeDynamics} that predict the
 * curve; and, to compare, the real fine-tuning of the same starting network ({@link Training#trainMse}).
 */
final class Forecasting {
    private Forecasting() {
    }

    /**
     * @param newHead    outputs of a new head (0: keep the model's head)
     * @param seed       the new head's seed, the subset's and the real run's batch order
     * @param subset     predict from this many samples (0 or ≥ N: all)
     * @param projection random coordinates kept per tensor (0: none)
     * @param momentum   how momentum enters the prediction
     * @param noise      whether mini-batches add the mean-field variance
     * @param alpha      the target scale α
     * @param maxRows    the largest n·C formed into Θ
     */
    record Options(int newHead, long seed, int subset, int projection, ModeDynamics.Momentum momentum, boolean noise,
            double alpha, int maxRows) {
        Options {
            if (newHead < 0 || subset < 0 || projection < 0 || maxRows < 1) {
                throw new IllegalArgumentException("newHead = " + newHead + ", subset = " + subset + ", projection = "
                        + projection + " must be >= 0 and maxRows = " + maxRows + " >= 1");
            }
            if (!(alpha > 0 && Double.isFinite(alpha))) {
                throw new IllegalArgumentException("alpha = " + alpha + " must be finite and > 0");
            }
        }
    }

    /**
     * @param forecast   the predicted curve
     * @param dynamics   the modes it came from
     * @param samples    the samples Θ was formed from (n)
     * @param outputs    C
     * @param parameters P, every parameter of the network
     * @param seconds    the prediction's own time, Jacobian and eigendecomposition included
     */
    record Result(TrainingForecast forecast, ModeDynamics dynamics, int samples, int outputs, long parameters, double seconds) {
    }

    /**
     * The starting network: the folder's, or with a new head.
     *
     * @throws IllegalArgumentException if a label is not one of its outputs (the numbers named)
     */
    static ModelFiles.Loaded start(Path model, LabelledSet train, Options o, NDManager manager) {
        ModelFiles.Loaded loaded;
        try {
            loaded = ModelFiles.load(model, manager);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (o.newHead() > 0) {
            loaded = Networks.withNewHead(loaded, o.newHead(), o.seed(), manager);
        }
        int classes = loaded.spec().classes();
        int top = Arrays.stream(train.labels()).max().orElse(-1);
        if (top >= classes) {
            throw new IllegalArgumentException("label " + top + " of the training data is not one of the model's " + classes
                    + " outputs" + (o.newHead() > 0 ? "" : ": give --new-head with the number of classes to fine-tune a new head"));
        }
        if (!loaded.spec().accepts(Arrays.copyOfRange(train.features().shape(), 1, train.features().rank()))) {
            throw new IllegalArgumentException("samples of shape " + Arrays.toString(Arrays.copyOfRange(train.features().shape(),
                    1, train.features().rank())) + " do not fit the model's input " + Arrays.toString(loaded.spec().input()));
        }
        for (float v : train.features().toArray()) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("the training data holds a non-finite feature (" + v + ")");
            }
        }
        return loaded;
    }

    /**
     * Predicts the plan's curve.
     *
     * @throws IllegalArgumentException naming the input and the problem (batch, labels, rows, divergence)
     */
    static Result predict(Path model, LabelledSet train, TrainingPlan plan, Options o, Linearizer linearizer, NDManager parent,
            Progress progress) {
        long t0 = System.nanoTime();
        int bigN = train.size();
        if (bigN == 0) {
            throw new IllegalArgumentException("the training data is empty");
        }
        if (plan.batchSize() > bigN) {
            throw new IllegalArgumentException("batch " + plan.batchSize() + " is larger than the " + bigN + " training samples");
        }
        try (NDManager m = parent.newSubManager()) {
            ModelFiles.Loaded start = start(model, train, o, m);
            int c = start.spec().classes();
            int[] rows = o.subset() > 0 && o.subset() < bigN
                    ? sorted(Arrays.copyOf(Sampling.permutation(bigN, new Random(o.seed())), o.subset()))
                    : Sampling.range(bigN);
            int n = rows.length;
            if ((long) n * c > o.maxRows()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%,d samples x %d outputs = %,d Jacobian rows exceed"
                        + " maxRows %,d: predict from a subset (--subset %d or fewer)", n, c, (long) n * c, o.maxRows(),
                        o.maxRows() / c));
            }
            Block net64 = Networks.float64(start, m);
            LinearizedModel lin = linearizer.linearize(net64, name -> true, m);
            NDArray x = Datasets.rows(m, train.features(), rows).toType(DataType.FLOAT64, false);
            double[] r0;
            double[] rw;
            DMatrixRMaj theta;
            long parameters = lin.parameterCount();
            try (LinearizedBatch b = lin.at(x)) {
                double[] f0 = b.f0().toDoubleArray();
                r0 = new double[n * c];
                for (int i = 0; i < n; i++) {
                    int y = train.label(rows[i]);
                    for (int k = 0; k < c; k++) {
                        r0[i * c + k] = f0[i * c + k] - (k == y ? o.alpha() : 0);
                    }
                }
                // r0 − J w0, for weight decay (which pulls w, not w − w0, to 0); one product, so the
                // dynamics serve any plan
                double[] jw = b.jvp(lin.weights0()).toDoubleArray();
                rw = new double[n * c];
                for (int i = 0; i < rw.length; i++) {
                    rw[i] = r0[i] - jw[i];
                }
                progress.report("jacobian", 0, 1);
                NDArray j = b.jacobian(o.projection() > 0 ? new Projection(o.projection(), o.seed()) : Projection.NONE);
                progress.checkCancelled();
                progress.report("jacobian", 1, 1);
                NDArray g = j.matMul(j.transpose());
                theta = new DMatrixRMaj(n * c, n * c, true, g.toDoubleArray());
                j.close();
                g.close();
            }
            progress.report("eigendecomposition", 0, 1);
            ModeDynamics d = ModeDynamics.of(theta, r0, rw, bigN, c, (double) bigN / n);
            progress.report("eigendecomposition", 1, 1);
            ModeDynamics.Curve curve = d.predict(plan, o.momentum(), o.noise(), progress);
            double[] acc = accuracy(d, curve, train, rows, c, o.alpha(), m);
            double[] loss = curve.loss();
            int at = -1;
            for (int t = 0; t < loss.length; t++) {
                if (loss[t] <= plan.targetLoss()) {
                    at = t;
                    break;
                }
            }
            return new Result(new TrainingForecast(loss, acc, at), d, n, c, parameters, (System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * The predicted training accuracy at every point: f_t = αY + U μ_t on the samples Θ was formed from,
     * as one matrix product per block of points on the device.
     */
    private static double[] accuracy(ModeDynamics d, ModeDynamics.Curve curve, LabelledSet train, int[] rows, int c,
            double alpha, NDManager parent) {
        double[][] means = curve.means();
        int points = means.length;
        int m = rows.length * c;
        double[] out = new double[points];
        double inv = 1 / Math.sqrt((double) train.size() / rows.length);
        try (NDManager t = parent.newSubManager()) {
            NDArray ut = t.create(d.eigenvectors().data, new Shape(m, m)).transpose();
            double[] y = new double[m];
            int[] labels = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                labels[i] = train.label(rows[i]);
                y[i * c + labels[i]] = alpha;
            }
            NDArray target = t.create(y, new Shape(1, rows.length, c));
            int block = Math.max(1, Math.min(points, 4_000_000 / Math.max(1, m)));
            for (int from = 0; from < points; from += block) {
                int to = Math.min(points, from + block);
                double[] mu = new double[(to - from) * m];
                for (int s = from; s < to; s++) {
                    System.arraycopy(means[s], 0, mu, (s - from) * m, m);
                }
                try (NDManager step = t.newSubManager()) {
                    NDArray f = Scalars.mul(step.create(mu, new Shape(to - from, m)).matMul(ut), inv).reshape(to - from, rows.length, c)
                            .add(target);
                    int[] pred = f.argMax(2).toType(DataType.INT32, false).toIntArray();
                    for (int s = from; s < to; s++) {
                        int right = 0;
                        for (int i = 0; i < rows.length; i++) {
                            if (pred[(s - from) * rows.length + i] == labels[i]) {
                                right++;
                            }
                        }
                        out[s] = (double) right / rows.length;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Runs the plan for real on the same starting network: {@link Training#trainMse}, float32, the plan's
     * steps, batch (without replacement, seeded), rate, momentum and decay.
     */
    static Training.MseReport actual(Path model, LabelledSet train, TrainingPlan plan, Options o, NDManager parent,
            Progress progress) {
        try (NDManager m = parent.newSubManager()) {
            ModelFiles.Loaded start = start(model, train, o, m);
            return Training.trainMse(start.block(), m, train, new Training.MseConfig(plan.steps(), plan.batchSize(),
                    plan.learningRate(), plan.momentum(), plan.weightDecay(), o.alpha(), o.seed()), progress);
        }
    }

    /**
     * Trains the linearized model itself, step by step through the {@link Linearizer} in float64: the loss
     * of {@code f0 + J(w − w0)} under the plan's heavy-ball SGD with decay, the batches drawn as
     * {@link Training#trainMse} draws them. What the prediction solves in closed form, done the long way:
     * {@code --actual} shows it beside the prediction, and a test holds the two equal.
     *
     * @return the loss over the whole set before the first step and after each
     */
    static double[] simulate(Path model, LabelledSet train, TrainingPlan plan, Options o, Linearizer linearizer, NDManager parent,
            Progress progress) {
        int n = train.size();
        int b = Math.min(plan.batchSize(), n);
        try (NDManager m = parent.newSubManager()) {
            ModelFiles.Loaded start = start(model, train, o, m);
            int c = start.spec().classes();
            LinearizedModel lin = linearizer.linearize(Networks.float64(start, m), name -> true, m);
            NDArray x = Datasets.rows(m, train.features(), Sampling.range(n)).toType(DataType.FLOAT64, false);
            long[] labels = Arrays.stream(train.labels()).asLongStream().toArray();
            NDArray y = Scalars.mul(m.create(labels).oneHot(c, DataType.FLOAT64), o.alpha());
            double[] loss = new double[plan.steps() + 1];
            Random order = new Random(o.seed());
            int[] idx = Sampling.range(n);
            int next = n;
            try (LinearizedBatch all = lin.at(x)) {
                ai.djl.ndarray.NDList w = lin.weights0();
                ai.djl.ndarray.NDList v = new ai.djl.ndarray.NDList();
                for (NDArray a : w) {
                    v.add(a.zerosLike());
                }
                for (int t = 0; ; t++) {
                    try (NDManager s = m.newSubManager()) {
                        NDArray f = all.forward(w);
                        f.attach(s);
                        NDArray r = f.sub(y);
                        loss[t] = r.square().sum().getDouble() / (2.0 * n);
                        if (t == plan.steps()) {
                            break;
                        }
                        progress.checkCancelled();
                        ai.djl.ndarray.NDList g;
                        if (b == n) {
                            g = all.vjp(Scalars.div(r, n));
                        } else {
                            if (next + b > n) {
                                Sampling.shuffle(idx, order);
                                next = 0;
                            }
                            NDArray rows = s.create(Arrays.stream(Arrays.copyOfRange(idx, next, next + b)).asLongStream()
                                    .toArray());
                            next += b;
                            NDArray xb = x.get(rows);
                            xb.attach(s);
                            try (LinearizedBatch part = lin.at(xb)) {
                                NDArray fb = part.forward(w);
                                fb.attach(s);
                                NDArray yb = y.get(rows);
                                yb.attach(s);
                                NDArray rb = fb.sub(yb);
                                g = part.vjp(Scalars.div(rb, b));
                            }
                        }
                        g.attach(s);
                        ai.djl.ndarray.NDList nextW = new ai.djl.ndarray.NDList();
                        ai.djl.ndarray.NDList nextV = new ai.djl.ndarray.NDList();
                        for (int i = 0; i < w.size(); i++) {
                            // in s: a result lives in its first operand's manager
                            NDArray vs = v.get(i).duplicate();
                            vs.attach(s);
                            NDArray ws = w.get(i).duplicate();
                            ws.attach(s);
                            NDArray vi = Scalars.mul(vs, plan.momentum()).add(g.get(i)).add(Scalars.mul(ws, plan.weightDecay()));
                            NDArray wi = ws.sub(Scalars.mul(vi, plan.learningRate()));
                            vi.attach(m);
                            wi.attach(m);
                            nextV.add(vi);
                            nextW.add(wi);
                        }
                        if (t > 0) {
                            w.close();
                            v.close();
                        }
                        w = nextW;
                        v = nextV;
                        if ((t + 1) % 100 == 0) {
                            progress.report("linearized steps", t + 1, plan.steps());
                        }
                    }
                }
            }
            return loss;
        }
    }

    /** @return the first point at or below target, or -1 */
    static int firstAtOrBelow(double[] loss, double target) {
        for (int t = 0; t < loss.length; t++) {
            if (loss[t] <= target) {
                return t;
            }
        }
        return -1;
    }

    private static int[] sorted(int[] a) {
        Arrays.sort(a);
        return a;
    }
}
