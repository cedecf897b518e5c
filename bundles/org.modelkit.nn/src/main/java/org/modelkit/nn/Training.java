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
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                org.modelkit.api.data.Sampling.shuffle(idx, order);
                double lossSum = 0;
                long correct = 0;
                for (int s = 0; s < stepsPerEpoch; s++) {
                    progress.checkCancelled();
                    int[] batch = Arrays.copyOfRange(idx, s * config.batchSize(), Math.min(n, (s + 1) * config.batchSize()));
                    try (NDManager m = model.getNDManager().newSubManager()) {
                        NDList[] xy = batch(m, train, batch);
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList out = trainer.forward(xy[0]);
                            NDArray l = trainer.getLoss().evaluate(xy[1], out);
                            gc.backward(l);
                            lossSum += l.getFloat() * batch.length;
                            correct += out.singletonOrThrow().argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false)
                                    .eq(xy[1].singletonOrThrow().toType(ai.djl.ndarray.types.DataType.INT32, false))
                                    .sum().getLong();
                        }
                        trainer.step();
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
        float[] y = new float[rows.length];
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
