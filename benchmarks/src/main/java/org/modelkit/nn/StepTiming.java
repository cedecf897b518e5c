package org.modelkit.nn;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.progress.Progress;

/**
 * One side of the like-for-like training-step comparison (benchmarks/compute/run peer; the other side is
 * peer_step.py): the small CNN of shared/notes/performance.md, softmax cross-entropy, SGD with momentum 0.9 and
 * weight decay 5e-4 at a learning rate of 0.01, as {@link Training} builds it, on 28x28 inputs in [0, 1].
 *
 * <p>Two measurements per batch size: the phases of a bare step on preloaded batches (forward with the loss,
 * backward, the optimiser's update as {@link GradientGuard} applies it, and the whole step including the step's
 * manager being closed), each step timed on its own; and {@link Training#train} itself for one epoch of 40 batches (batches made from Java arrays, the
 * gradient check, the accuracy count: the step every training job in the project runs), per step.
 * Usage: java ... StepTiming OUT.json steps batch...
 */
public final class StepTiming {
    static final float LR = 0.01f;
    static final float MOMENTUM = 0.9f;
    static final float WEIGHT_DECAY = 5e-4f;
    static final int WARM_UP = 30;
    /** The update as the project's loop does it (GradientGuard.update), or -Dupdate=trainer: DJL's Trainer.step(). */
    static final boolean DIRECT = !"trainer".equals(System.getProperty("update"));

    public static void main(String[] args) throws IOException {
        int steps = Integer.parseInt(args[1]);
        StringBuilder json = new StringBuilder("{");
        for (int a = 2; a < args.length; a++) {
            int batch = Integer.parseInt(args[a]);
            double[][] phases = bare(batch, steps);
            double[] loop = Boolean.parseBoolean(System.getProperty("loop", "true")) ? trainingLoop(batch) : new double[] {Double.NaN};
            json.append(a == 2 ? "" : ",").append(String.format(Locale.ROOT, "%n \"%d\": {\"forward\": %s, \"backward\": %s,"
                    + " \"update\": %s, \"step\": %s, \"training_step\": %s}", batch, list(phases[0]), list(phases[1]),
                    list(phases[2]), list(phases[3]), list(loop)));
            System.err.printf(Locale.ROOT, "Modelkit batch %d: step median %.2f ms, Training.train %.2f ms a step%n", batch,
                    median(phases[3]), median(loop));
        }
        Files.writeString(Path.of(args[0]), json.append("\n}\n").toString());
    }

    private static Optimizer sgd() {
        return Optimizer.sgd().setLearningRateTracker(Tracker.fixed(LR)).optMomentum(MOMENTUM).optWeightDecays(WEIGHT_DECAY)
                .build();
    }

    /** @return per measured step, in ms: forward + loss, backward, update, whole step */
    static double[][] bare(int batch, int steps) {
        Engine.getInstance().setRandomSeed(1);
        double[][] t = new double[4][steps];
        try (Model model = Model.newInstance("cnn")) {
            model.setBlock(Networks.smallCnn(10, Networks.Nonlinearity.LEAKY_RELU, false));
            Optimizer optimizer = sgd();
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer));
                    NDManager data = model.getNDManager().newSubManager()) {
                trainer.initialize(new Shape(batch, 1, 28, 28));
                java.util.List<ai.djl.nn.Parameter> parameters = new java.util.ArrayList<>();
                for (ai.djl.nn.Parameter p : model.getBlock().getParameters().values()) {
                    parameters.add(p);
                }
                int pool = 8;
                NDList[] xs = new NDList[pool];
                NDList[] ys = new NDList[pool];
                for (int i = 0; i < pool; i++) {
                    xs[i] = new NDList(data.randomUniform(0, 1, new Shape(batch, 1, 28, 28)));
                    ys[i] = new NDList(data.randomInteger(0, 10, new Shape(batch), DataType.INT64));
                }
                for (int s = -WARM_UP; s < steps; s++) {
                    NDList x = xs[Math.floorMod(s, pool)];
                    NDList y = ys[Math.floorMod(s, pool)];
                    long t0 = System.nanoTime();
                    long t1;
                    long t2;
                    long t3;
                    try (NDManager m = data.newSubManager()) {
                        x.tempAttach(m);
                        y.tempAttach(m);
                        NDArray loss;
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList out = trainer.forward(x);
                            loss = trainer.getLoss().evaluate(y, out);
                            t1 = System.nanoTime();
                            gc.backward(loss);
                            t2 = System.nanoTime();
                        }
                        if (DIRECT) {
                            GradientGuard.update(optimizer, parameters);
                        } else {
                            trainer.step();
                        }
                        loss.getFloat();
                        t3 = System.nanoTime();
                    }
                    long t4 = System.nanoTime();
                    if (s >= 0) {
                        t[0][s] = (t1 - t0) / 1e6;
                        t[1][s] = (t2 - t1) / 1e6;
                        t[2][s] = (t3 - t2) / 1e6;
                        t[3][s] = (t4 - t0) / 1e6;
                    }
                }
            }
        }
        return t;
    }

    /** @return ms per step of {@link Training#train}, for 5 epochs of 40 batches after one to warm up (one value per epoch) */
    static double[] trainingLoop(int batch) {
        int n = 40 * batch;
        java.util.Random rnd = new java.util.Random(3);
        float[] x = new float[n * 28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat();
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextInt(10);
        }
        LabelledSet set = LabelledSet.withNumberedClasses(Tensor.of(x, n, 28, 28), labels);
        double[] perStep = new double[5];
        for (int e = -1; e < 5; e++) {
            try (Model model = Model.newInstance("cnn")) {
                model.setBlock(Networks.smallCnn(10, Networks.Nonlinearity.LEAKY_RELU, false));
                Training.Config c = new Training.Config(1, batch, Training.Method.SGD, LR, MOMENTUM, WEIGHT_DECAY,
                        Training.Schedule.CONSTANT, 1);
                long t0 = System.nanoTime();
                Training.train(model, set, null, c, Progress.NONE);
                if (e >= 0) {
                    perStep[e] = (System.nanoTime() - t0) / 1e6 / 40;
                }
            }
        }
        return perStep;
    }

    static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String list(double[] a) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < a.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", a[i]));
        }
        return b.append(']').toString();
    }
}
