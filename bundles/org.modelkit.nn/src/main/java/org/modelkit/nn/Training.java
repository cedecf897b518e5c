package org.modelkit.nn;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.progress.CancelledException;
import org.modelkit.api.progress.Progress;

/**
 * Supervised training of a classifier with softmax cross-entropy: SGD with momentum or Adam, a
 * learning-rate schedule, weight decay, a fixed seed for initialisation and batch order, a progress
 * report per epoch, and cancellation between steps.
 */
public final class Training {
    /** The optimiser. */
    public enum Method {
        /** SGD with heavy-ball momentum. */
        SGD,
        /** Adam (betas 0.9, 0.999). */
        ADAM
    }

    /** The learning-rate schedule over all steps. */
    public enum Schedule {
        /** Constant. */
        CONSTANT,
        /** Cosine decay from the base rate to 0. */
        COSINE,
        /** The base rate, then x0.1 after 60% and again after 80% of the steps. */
        STEP
    }

    /**
     * @param epochs       passes over the training set, at least 1
     * @param batchSize    samples per step, at least 1
     * @param method       the optimiser
     * @param learningRate base learning rate, finite and positive
     * @param momentum     SGD momentum in [0, 1) (ignored by Adam)
     * @param weightDecay  L2 coefficient, at least 0
     * @param schedule     the learning-rate schedule
     * @param seed         seeds parameter initialisation and the order of batches
     */
    public record Config(int epochs, int batchSize, Method method, double learningRate, double momentum,
            double weightDecay, Schedule schedule, long seed) {
        /** @throws IllegalArgumentException naming the first field out of range */
        public Config {
            if (epochs < 1 || batchSize < 1) {
                throw new IllegalArgumentException("epochs = " + epochs + " and batchSize = " + batchSize
                        + " must be at least 1");
            }
            if (!(learningRate > 0 && Double.isFinite(learningRate))) {
                throw new IllegalArgumentException("learningRate = " + learningRate + " must be finite and positive");
            }
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum = " + momentum + " must lie in [0, 1)");
            }
            if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
                throw new IllegalArgumentException("weightDecay = " + weightDecay + " must be finite and >= 0");
            }
        }
    }

    /**
     * Per-epoch figures.
     *
     * @param loss          mean training loss of each epoch
     * @param trainAccuracy training accuracy of each epoch (on the batches as they were trained)
     * @param evalAccuracy  accuracy on the evaluation set after each epoch, NaN without one
     */
    public record Report(double[] loss, double[] trainAccuracy, double[] evalAccuracy) {
        /** @return the evaluation accuracy after the last epoch */
        public double finalEvalAccuracy() {
            return evalAccuracy[evalAccuracy.length - 1];
        }
    }

    private Training() {
    }

    /**
     * Trains the model's block, initialising it first.
     *
     * @param model    a model whose block is set and not yet initialised
     * @param train    the training set: features {@code [n, h, w]} (grey) or {@code [n, c, h, w]}
     * @param eval     a held-out set with the same feature shape and classes, or null
     * @param config   the settings
     * @param progress receives "epoch" reports and may cancel
     * @return the per-epoch figures
     * @throws IllegalArgumentException   if the sets differ in feature shape or classes
     * @throws CancelledException         if cancelled; the model's parameters are then those of the last step
     */
    public static Report train(Model model, LabelledSet train, LabelledSet eval, Config config, Progress progress) {
        if (eval != null && (!Arrays.equals(sampleShape(train), sampleShape(eval)) || eval.classCount() != train.classCount())) {
            throw new IllegalArgumentException("the evaluation set " + eval + " does not match the training set " + train);
        }
        int n = train.size();
        int stepsPerEpoch = (n + config.batchSize() - 1) / config.batchSize();
        int totalSteps = stepsPerEpoch * config.epochs();
        Tracker lr = schedule(config, totalSteps);
        Optimizer optimizer = config.method() == Method.SGD
                ? Optimizer.sgd().setLearningRateTracker(lr).optMomentum((float) config.momentum())
                        .optWeightDecays((float) config.weightDecay()).build()
                : Optimizer.adam().optLearningRateTracker(lr).optWeightDecays((float) config.weightDecay()).build();
        model.getNDManager().getEngine().setRandomSeed((int) config.seed()); // the model's own engine, not the default one
        double[] loss = new double[config.epochs()];
        double[] trainAcc = new double[config.epochs()];
        double[] evalAcc = new double[config.epochs()];
        Random order = new Random(config.seed());
        long[] shape = sampleShape(train);
        try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer))) {
            long[] input = new long[shape.length + 1];
            input[0] = config.batchSize();
            System.arraycopy(shape, 0, input, 1, shape.length);
            trainer.initialize(new Shape(input));
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            GradientGuard guard = new GradientGuard();
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                org.modelkit.api.data.Sampling.shuffle(idx, order);
                double lossSum = 0;
                long correct = 0;
                for (int s = 0; s < stepsPerEpoch; s++) {
                    progress.checkCancelled();
                    int[] batch = Arrays.copyOfRange(idx, s * config.batchSize(), Math.min(n, (s + 1) * config.batchSize()));
                    try (NDManager m = model.getNDManager().newSubManager()) {
                        NDList[] xy = batch(m, train, batch);
                        NDList[] out = new NDList[1];
                        float l = guard.step(trainer, optimizer, () -> {
                            out[0] = trainer.forward(xy[0]);
                            return trainer.getLoss().evaluate(xy[1], out[0]);
                        });
                        if (Float.isFinite(l)) { // NaN: a skipped step (GradientGuard)
                            lossSum += l * batch.length;
                            // one operation and one copy: the predictions are compared with the labels here
                            long[] predicted = out[0].singletonOrThrow().argMax(1).toLongArray(); // argMax gives int64
                            for (int i = 0; i < batch.length; i++) {
                                correct += predicted[i] == train.label(batch[i]) ? 1 : 0;
                            }
                        }
                    }
                }
                loss[epoch] = lossSum / n;
                trainAcc[epoch] = (double) correct / n;
                evalAcc[epoch] = eval == null ? Double.NaN : accuracy(model, eval, 256);
                progress.report("epoch", epoch + 1, config.epochs());
            }
        }
        return new Report(loss, trainAcc, evalAcc);
    }

    /**
     * Fine-tuning with the squared loss on scaled one-hot targets, as training-time prediction models it:
     * {@code L = 1/(2N) Σ_i ‖f(x_i) − α e_{y_i}‖²}, a fixed number of steps of heavy-ball SGD at a
     * constant rate, {@code v ← m·v + ∇L_B(w) + ω·w; w ← w − η·v} (PyTorch's SGD without dampening;
     * weight decay towards 0 on every parameter), where L_B is the same loss over the step's batch.
     *
     * @param steps        optimiser steps, at least 1
     * @param batchSize    samples per step; the set's size (or more) is full-batch gradient descent,
     *                     fewer draws each epoch's batches without replacement from a seeded shuffle
     * @param learningRate η, finite and positive
     * @param momentum     m in [0, 1)
     * @param weightDecay  ω, finite and at least 0
     * @param alpha        target scale α, finite and positive
     * @param seed         the batch order's seed
     */
    public record MseConfig(int steps, int batchSize, double learningRate, double momentum, double weightDecay, double alpha,
            long seed) {
        /** @throws IllegalArgumentException naming the first field out of range */
        public MseConfig {
            if (steps < 1 || batchSize < 1) {
                throw new IllegalArgumentException("steps = " + steps + " and batchSize = " + batchSize + " must be at least 1");
            }
            if (!(learningRate > 0 && Double.isFinite(learningRate))) {
                throw new IllegalArgumentException("learningRate = " + learningRate + " must be finite and positive");
            }
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum = " + momentum + " must lie in [0, 1)");
            }
            if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
                throw new IllegalArgumentException("weightDecay = " + weightDecay + " must be finite and >= 0");
            }
            if (!(alpha > 0 && Double.isFinite(alpha))) {
                throw new IllegalArgumentException("alpha = " + alpha + " must be finite and positive");
            }
        }
    }

    /**
     * @param loss     L over the whole set before the first step and after each step ({@code steps + 1} values)
     * @param accuracy the whole set's training accuracy at the same points
     */
    public record MseReport(double[] loss, double[] accuracy) {
    }

    /** Samples per forward pass of {@link #trainMse}'s steps and evaluations (larger batches run in chunks). */
    static final int CHUNK = 512;

    /**
     * Runs {@link MseConfig} on an initialised block, changing its parameters in place.
     *
     * @param block    an initialised network; every parameter that requires a gradient is trained
     * @param manager  where its parameters live; every step works in a sub-manager of it
     * @param train    the samples; labels must be below the block's number of outputs
     * @param config   the settings
     * @param progress one "steps" report per 10 steps; may cancel between steps
     * @return the loss and accuracy curve
     * @throws IllegalArgumentException if a label is not one of the block's outputs
     * @throws CancelledException       if cancelled; the parameters are then those of the last step
     */
    public static MseReport trainMse(Block block, NDManager manager, LabelledSet train, MseConfig config, Progress progress) {
        int n = train.size();
        int b = Math.min(config.batchSize(), n);
        double[] loss = new double[config.steps() + 1];
        double[] acc = new double[config.steps() + 1];
        List<ai.djl.nn.Parameter> params = new java.util.ArrayList<>();
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                params.add(p.getValue());
            }
        }
        // DJL's SGD keeps the rate inside its momentum buffer (s <- m s + eta (g + omega w); w <- w - s), PyTorch
        // outside it (v <- m v + g + omega w; w <- w - eta v): at a constant rate s = eta v, the same steps
        Optimizer optimizer = Optimizer.sgd().setLearningRateTracker(Tracker.fixed((float) config.learningRate()))
                .optMomentum((float) config.momentum()).optWeightDecays((float) config.weightDecay()).build();
        Random order = new Random(config.seed());
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        int next = n; // position in the current epoch's order; n: draw a new epoch
        try (NDManager keep = manager.newSubManager()) {
            NDArray x = features(keep, train.features(), idx);
            NDArray y = targets(keep, train, idx, config.alpha(), outputs(block, keep, x));
            for (ai.djl.nn.Parameter p : params) {
                p.getArray().setRequiresGradient(true);
            }
            evaluate(block, keep, x, y, train, loss, acc, 0);
            GradientGuard guard = new GradientGuard();
            for (int t = 0; t < config.steps(); t++) {
                progress.checkCancelled();
                int[] rows;
                if (b == n) {
                    rows = idx;
                } else {
                    if (next + b > n) {
                        org.modelkit.api.data.Sampling.shuffle(idx, order);
                        next = 0;
                    }
                    rows = Arrays.copyOfRange(idx, next, next + b);
                    next += b;
                }
                // every array of a step, activations and the update's intermediates included, lives in m: an
                // operation's result goes to its first operand's manager, so the inputs and the parameters'
                // views are brought into m first (a full-batch run otherwise kept every step's activations)
                try (NDManager m = keep.newSubManager()) {
                    NDArray xb = b == n ? x.duplicate() : x.get(m.create(toLong(rows)));
                    NDArray yb = b == n ? y.duplicate() : y.get(m.create(toLong(rows)));
                    xb.attach(m);
                    yb.attach(m);
                    NDArray[] w = new NDArray[params.size()];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = params.get(i).getArray();
                    }
                    // the batch in chunks of CHUNK samples, each chunk's gradient added to the parameters' (autograd
                    // accumulates): the same sum, but activations small enough for the allocator to reuse (a
                    // 5,000-image step of a small CNN made 200 MB arrays that were mapped and unmapped every step,
                    // 80 % of its time in the kernel)
                    int[] batchRows = rows;
                    guard.step(Arrays.asList(w), () -> {
                        double sum = 0;
                        try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                            for (int c0 = 0; c0 < batchRows.length; c0 += CHUNK) {
                                int c1 = Math.min(batchRows.length, c0 + CHUNK);
                                try (NDManager c = m.newSubManager()) {
                                    NDArray xc = batchRows.length <= CHUNK ? xb : xb.get(c0 + ":" + c1);
                                    NDArray yc = batchRows.length <= CHUNK ? yb : yb.get(c0 + ":" + c1);
                                    xc.attach(c);
                                    yc.attach(c);
                                    NDArray f = block.forward(new ai.djl.training.ParameterStore(c, false), new NDList(xc), true)
                                            .singletonOrThrow();
                                    NDArray l = Scalars.div(f.sub(yc).square().sum(), 2.0 * batchRows.length);
                                    gc.backward(l);
                                    sum += GradientGuard.value(l);
                                }
                            }
                        }
                        return sum;
                    }, () -> GradientGuard.update(optimizer, params));
                }
                evaluate(block, keep, x, y, train, loss, acc, t + 1);
                if ((t + 1) % 10 == 0 || t + 1 == config.steps()) {
                    progress.report("steps", t + 1, config.steps());
                }
            }
        }
        return new MseReport(loss, acc);
    }

    private static long outputs(Block block, NDManager m, NDArray x) {
        try (NDManager t = m.newSubManager()) {
            NDArray one = x.get("0:1");
            one.attach(t);
            return block.forward(new ai.djl.training.ParameterStore(t, false), new NDList(one), false).singletonOrThrow()
                    .getShape().get(1);
        }
    }

    private static NDArray targets(NDManager m, LabelledSet set, int[] rows, double alpha, long outputs) {
        float[] y = new float[rows.length * (int) outputs];
        for (int i = 0; i < rows.length; i++) {
            int label = set.label(rows[i]);
            if (label >= outputs) {
                throw new IllegalArgumentException("label " + label + " of sample " + rows[i] + " is not one of the network's "
                        + outputs + " outputs");
            }
            y[i * (int) outputs + label] = (float) alpha;
        }
        return m.create(y, new Shape(rows.length, outputs));
    }

    private static void evaluate(Block block, NDManager m, NDArray x, NDArray y, LabelledSet set, double[] loss, double[] acc,
            int at) {
        int n = (int) x.getShape().get(0);
        double sum = 0;
        int[] predicted = new int[n];
        for (int c0 = 0; c0 < n; c0 += CHUNK) {
            int c1 = Math.min(n, c0 + CHUNK);
            try (NDManager t = m.newSubManager()) {
                NDArray xt = x.get(c0 + ":" + c1);
                NDArray yt = y.get(c0 + ":" + c1);
                xt.attach(t);
                yt.attach(t);
                NDArray f = block.forward(new ai.djl.training.ParameterStore(t, false), new NDList(xt), false).singletonOrThrow();
                sum += f.sub(yt).toType(ai.djl.ndarray.types.DataType.FLOAT64, false).square().sum().getDouble();
                System.arraycopy(f.argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray(), 0, predicted, c0,
                        c1 - c0);
            }
        }
        loss[at] = sum / (2.0 * set.size());
        acc[at] = set.accuracy(predicted);
    }

    private static long[] toLong(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    /**
     * @param model     a trained model
     * @param features  samples {@code [n, h, w]} or {@code [n, c, h, w]}
     * @param batchSize samples per forward pass
     * @return the predicted class of each sample
     */
    public static int[] predict(Model model, Tensor features, int batchSize) {
        return predict(model.getBlock(), model.getNDManager(), features, batchSize);
    }

    /**
     * @param block     an initialised network, run in inference mode
     * @param manager   where its parameters live; each batch works in a sub-manager of it
     * @param features  samples {@code [n, h, w]} or {@code [n, c, h, w]}
     * @param batchSize samples per forward pass
     * @return the predicted class of each sample
     */
    public static int[] predict(Block block, NDManager manager, Tensor features, int batchSize) {
        int n = features.dim(0);
        int[] out = new int[n];
        for (int s = 0; s < n; s += batchSize) {
            int[] batch = new int[Math.min(batchSize, n - s)];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = s + i;
            }
            try (NDManager m = manager.newSubManager()) {
                NDArray x = features(m, features, batch);
                NDArray scores = block.forward(new ai.djl.training.ParameterStore(m, false), new NDList(x), false)
                        .singletonOrThrow();
                int[] p = scores.argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
                System.arraycopy(p, 0, out, s, p.length);
            }
        }
        return out;
    }

    /**
     * @param model     a trained model
     * @param set       labelled samples
     * @param batchSize samples per forward pass
     * @return the fraction predicted correctly
     */
    public static double accuracy(Model model, LabelledSet set, int batchSize) {
        return set.accuracy(predict(model, set.features(), batchSize));
    }

    private static Tracker schedule(Config c, int totalSteps) {
        float base = (float) c.learningRate();
        return switch (c.schedule()) {
            case CONSTANT -> Tracker.fixed(base);
            case COSINE -> step -> (float) (base * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, totalSteps) / totalSteps)));
            case STEP -> step -> step < 0.6 * totalSteps ? base : step < 0.8 * totalSteps ? base * 0.1f : base * 0.01f;
        };
    }

    private static long[] sampleShape(LabelledSet s) {
        int[] shape = s.features().shape();
        long[] out = new long[shape.length == 3 ? 3 : shape.length - 1];
        if (shape.length == 3) {
            out[0] = 1; // grey images get a channel axis
            out[1] = shape[1];
            out[2] = shape[2];
        } else {
            for (int i = 1; i < shape.length; i++) {
                out[i - 1] = shape[i];
            }
        }
        return out;
    }

    private static NDList[] batch(NDManager m, LabelledSet set, int[] rows) {
        // int64 labels: the loss gathers with them as they are (float labels were converted on every step)
        long[] y = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            y[i] = set.label(rows[i]);
        }
        return new NDList[] {new NDList(features(m, set.features(), rows)), new NDList(m.create(y))};
    }

    private static NDArray features(NDManager m, Tensor features, int[] rows) {
        return Datasets.rows(m, features, rows);
    }

    /** The NDArray shape of {@code rows} samples of a feature tensor; grey [n, h, w] gets a channel axis. */
    static Shape batchShape(int[] featureShape, int rows) {
        long[] s = new long[featureShape.length == 3 ? 4 : featureShape.length];
        s[0] = rows;
        if (featureShape.length == 3) {
            s[1] = 1;
            s[2] = featureShape[1];
            s[3] = featureShape[2];
        } else {
            for (int d = 1; d < featureShape.length; d++) {
                s[d] = featureShape[d];
            }
        }
        return new Shape(s);
    }

}
