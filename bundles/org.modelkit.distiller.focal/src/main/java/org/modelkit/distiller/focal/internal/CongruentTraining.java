package org.modelkit.distiller.focal.internal;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Arrays;
import java.util.Random;
import org.modelkit.api.congruent.FlipMetrics;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.progress.Progress;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.GradientGuard;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Training;

/**
 * Trains a new network against a reference's logits: mini-batches drawn from a seeded shuffle each epoch,
 * {@link FocalLoss} on the batch (the reference's logits of those samples, computed once beforehand), Adam or
 * SGD with momentum at a constant rate; after each epoch the test error and the NFR against the reference.
 */
final class CongruentTraining {
    private CongruentTraining() {
    }

    /**
     * @param loss     the loss and its α, β, T
     * @param epochs   passes over the training set
     * @param batch    samples per step
     * @param method   the optimiser
     * @param lr       its rate
     * @param momentum SGD's momentum (Adam ignores it)
     * @param seed     the initialisation and the order of batches
     */
    record Options(FocalLoss.Settings loss, int epochs, int batch, Training.Method method, double lr, double momentum,
            long seed) {
        Options {
            if (epochs < 1 || batch < 1) {
                throw new IllegalArgumentException("epochs = " + epochs + " and batch = " + batch + " must be at least 1");
            }
            if (!(lr > 0 && Double.isFinite(lr)) || !(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("lr = " + lr + " must be finite and > 0, momentum = " + momentum
                        + " in [0, 1)");
            }
        }
    }

    /**
     * @param model    the trained network (close it)
     * @param loss     the mean training loss of each epoch
     * @param errors   the test error after each epoch (empty without a test set)
     * @param flips    the test NFR after each epoch
     * @param metrics  the final flip metrics on the test set (null without one)
     * @param seconds  the training time
     * @param checks   what the gradient checks did (recomputed, faulty, skipped steps)
     */
    record Result(Model model, double[] loss, double[] errors, double[] flips, FlipMetrics metrics, double seconds,
            GradientGuard.Counts checks) {
    }

    /**
     * @param model     a fresh model from the backend, its block set to the new network
     * @param spec      the new network's architecture
     * @param train     the training samples
     * @param reference the reference's logits on the training samples
     * @param test      held-out samples, or null
     * @param referenceTest the reference's predictions on them
     * @throws IllegalArgumentException if a label is not one of the new network's classes
     */
    static Result train(Model model, ModelSpec spec, LabelledSet train, References.Logits reference, LabelledSet test,
            int[] referenceTest, Options o, Progress progress) {
        long t0 = System.nanoTime();
        int n = train.size();
        int top = Arrays.stream(train.labels()).max().orElse(0);
        if (top >= spec.classes()) {
            throw new IllegalArgumentException("label " + top + " of the training data is not one of the new network's "
                    + spec.classes() + " classes");
        }
        int cOld = reference.classes();
        int steps = (n + o.batch() - 1) / o.batch();
        Tracker rate = Tracker.fixed((float) o.lr());
        Optimizer optimizer = o.method() == Training.Method.SGD
                ? Optimizer.sgd().setLearningRateTracker(rate).optMomentum((float) o.momentum()).build()
                : Optimizer.adam().optLearningRateTracker(rate).build();
        model.getNDManager().getEngine().setRandomSeed((int) o.seed());
        double[] loss = new double[o.epochs()];
        double[] errors = new double[test == null ? 0 : o.epochs()];
        double[] flips = new double[errors.length];
        FlipMetrics last = null;
        Random order = new Random(o.seed());
        int[] idx = Sampling.range(n);
        GradientGuard guard = new GradientGuard();
        try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(new FocalLoss.Djl(o.loss())).optOptimizer(optimizer))) {
            trainer.initialize(spec.batchShape(o.batch()));
            for (int epoch = 0; epoch < o.epochs(); epoch++) {
                Sampling.shuffle(idx, order);
                double sum = 0;
                for (int s = 0; s < steps; s++) {
                    progress.checkCancelled();
                    int[] rows = Arrays.copyOfRange(idx, s * o.batch(), Math.min(n, (s + 1) * o.batch()));
                    try (NDManager m = model.getNDManager().newSubManager()) {
                        NDArray x = Datasets.rows(m, train.features(), rows);
                        long[] y = new long[rows.length];
                        float[] z = new float[rows.length * cOld];
                        for (int i = 0; i < rows.length; i++) {
                            y[i] = train.label(rows[i]);
                            System.arraycopy(reference.logits(), rows[i] * cOld, z, i * cOld, cOld);
                        }
                        NDList labels = new NDList(m.create(y), m.create(z, new Shape(rows.length, cOld)));
                        float l = guard.step(trainer, optimizer, () -> trainer.getLoss().evaluate(labels, trainer.forward(new NDList(x))));
                        if (Float.isFinite(l)) { // NaN: a skipped step (GradientGuard)
                            sum += l * rows.length;
                        }
                    }
                }
                loss[epoch] = sum / n;
                if (!Double.isFinite(loss[epoch])) {
                    // never hand back (or write) a network whose weights went non-finite
                    throw new IllegalStateException(String.format(java.util.Locale.ROOT, "training with %s diverged in epoch %d:"
                            + " the mean loss is %s (lr %s); lower the learning rate", o.loss().loss().label(), epoch + 1,
                            loss[epoch], o.lr()));
                }
                if (test != null) {
                    int[] p = Training.predict(model, test.features(), 256);
                    last = FlipMetrics.of(test.labels(), referenceTest, p);
                    errors[epoch] = last.newErrorRate();
                    flips[epoch] = last.negativeFlipRate();
                }
                progress.report("epoch", epoch + 1, o.epochs());
            }
        }
        return new Result(model, loss, errors, flips, last, (System.nanoTime() - t0) / 1e9, guard.counts());
    }
}
