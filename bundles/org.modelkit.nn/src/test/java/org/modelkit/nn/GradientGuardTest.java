package org.modelkit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The guard against a gradient that is wrong for one pass: a fault injected into the first pass of a step (its loss
 * times NaN, or times 1e6) is dropped and the training ends where an undisturbed one does, while the same fault
 * without the guard leaves NaN weights; a spike that repeats is used; a gradient that stays NaN stops the training.
 */
class GradientGuardTest {
    static final int STEPS = 60;

    /** What to do to a step's loss: 0 leave it, 1 times NaN, 2 times 1e6, 3 times 1e3. */
    interface Fault {
        int at(int step, int call);
    }

    /**
     * Trains an MLP 8-16-3 with Adam on a fixed synthetic batch per step.
     *
     * @return the weights after training, flattened
     */
    static float[] train(Fault fault, boolean guarded, GradientGuard[] guardOut) {
        try (Model model = Model.newInstance("guarded")) {
            model.getNDManager().getEngine().setRandomSeed(5);
            model.setBlock(Networks.mlp(new int[] {16}, 3, Networks.Nonlinearity.RELU));
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build();
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(adam))) {
                trainer.initialize(new Shape(32, 8));
                GradientGuard guard = new GradientGuard();
                guardOut[0] = guard;
                Random r = new Random(3);
                for (int t = 0; t < STEPS; t++) {
                    float[] x = new float[32 * 8];
                    float[] y = new float[32];
                    for (int i = 0; i < 32; i++) {
                        y[i] = r.nextInt(3);
                        for (int j = 0; j < 8; j++) {
                            x[i * 8 + j] = (float) (r.nextGaussian() + (j == (int) y[i] ? 2 : 0));
                        }
                    }
                    int step = t;
                    int[] calls = {0};
                    try (NDManager m = model.getNDManager().newSubManager()) {
                        NDArray xs = m.create(x, new Shape(32, 8));
                        NDArray ys = m.create(y);
                        java.util.function.Supplier<NDArray> pass = () -> {
                            NDArray l = trainer.getLoss().evaluate(new NDList(ys), trainer.forward(new NDList(xs)));
                            return switch (fault.at(step, calls[0]++)) {
                                case 1 -> l.mul(Float.NaN);
                                case 2 -> l.mul(1e6f);
                                case 3 -> l.mul(1e3f);
                                default -> l;
                            };
                        };
                        if (guarded) {
                            guard.step(trainer, pass);
                        } else {
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                gc.backward(pass.get());
                            }
                            trainer.step();
                        }
                    }
                }
                return flatWeights(model);
            }
        }
    }

    static double maxGap(float[] a, float[] b) {
        double gap = 0;
        for (int i = 0; i < a.length; i++) {
            gap = Math.max(gap, Math.abs(a[i] - b[i]));
        }
        return gap;
    }

    static boolean finite(float[] a) {
        for (float v : a) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aFaultyPassIsDroppedAndTheTrainingEndsWhereAnUndisturbedOneDoes() {
        GradientGuard[] g = new GradientGuard[1];
        float[] clean = train((s, c) -> 0, true, g);
        assertEquals(0, g[0].counts().recomputed(), g[0].counts().toString());
        float[] start = train((s, c) -> 0, true, g);
        assertEquals(0, maxGap(clean, start), "two undisturbed runs agree");

        float[] unguarded = train((s, c) -> s == 30 ? 1 : 0, false, g);
        assertFalse(finite(unguarded), "without the guard one NaN gradient leaves NaN weights");

        float[] nan = train((s, c) -> s == 30 && c == 0 ? 1 : 0, true, g);
        System.out.println("NaN at step 31: " + g[0].counts() + "; largest weight gap to the clean run " + maxGap(clean, nan));
        assertEquals(new GradientGuard.Counts(STEPS, 1, 1, 0), g[0].counts());
        assertTrue(maxGap(clean, nan) < 1e-5, "gap " + maxGap(clean, nan));

        float[] huge = train((s, c) -> s == 40 && c == 0 ? 2 : 0, true, g);
        System.out.println("1e6 x at step 41: " + g[0].counts() + "; largest weight gap " + maxGap(clean, huge));
        assertEquals(new GradientGuard.Counts(STEPS, 1, 1, 0), g[0].counts());
        assertTrue(maxGap(clean, huge) < 1e-5, "gap " + maxGap(clean, huge));
    }

    @Test
    void aRepeatedSpikeIsUsedAndAGradientThatStaysNanStopsTheTraining() {
        GradientGuard[] g = new GradientGuard[1];
        float[] clean = train((s, c) -> 0, true, g);
        float[] spike = train((s, c) -> s == 40 ? 3 : 0, true, g);
        assertEquals(new GradientGuard.Counts(STEPS, 1, 0, 0), g[0].counts());
        assertTrue(maxGap(clean, spike) > 1e-3, "the spike was used: gap " + maxGap(clean, spike));

        float[] once = train((s, c) -> s == 30 ? 1 : 0, true, g);
        assertEquals(new GradientGuard.Counts(STEPS, 1, 0, 1), g[0].counts());
        assertTrue(finite(once), "a step whose gradient stays NaN is skipped, the weights stay finite");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> train((s, c) -> s >= 20 ? 1 : 0, true, g));
        assertTrue(e.getMessage().contains("diverged") && e.getMessage().contains("4 of the first 24"), e.getMessage());
    }

    /** Trains a small CNN 12 steps through the trainer's step or the direct update; returns the weights flattened. */
    private static float[] trainCnn(boolean sgd, boolean direct) {
        try (Model model = Model.newInstance("update")) {
            model.getNDManager().getEngine().setRandomSeed(9);
            model.setBlock(Networks.smallCnn(10, Networks.Nonlinearity.LEAKY_RELU, false));
            Optimizer opt = sgd
                    ? Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).optMomentum(0.9f).optWeightDecays(5e-4f).build()
                    : Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).optWeightDecays(1e-4f).build();
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(opt))) {
                trainer.initialize(new Shape(16, 1, 28, 28));
                GradientGuard guard = new GradientGuard();
                Random r = new Random(4);
                for (int t = 0; t < 12; t++) {
                    float[] x = new float[16 * 28 * 28];
                    long[] y = new long[16];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = r.nextFloat();
                    }
                    for (int i = 0; i < y.length; i++) {
                        y[i] = r.nextInt(10);
                    }
                    try (NDManager m = model.getNDManager().newSubManager()) {
                        NDList in = new NDList(m.create(x, new Shape(16, 1, 28, 28)));
                        NDList labels = new NDList(m.create(y));
                        java.util.function.Supplier<NDArray> pass = () -> trainer.getLoss().evaluate(labels, trainer.forward(in));
                        if (direct) {
                            guard.step(trainer, opt, pass);
                        } else {
                            guard.step(trainer, pass);
                        }
                    }
                }
                return flatWeights(model);
            }
        }
    }

    @Test
    void theDirectUpdateGivesTheTrainersWeightsBitForBit() {
        for (boolean sgd : new boolean[] {true, false}) {
            float[] viaTrainer = trainCnn(sgd, false);
            float[] direct = trainCnn(sgd, true);
            org.junit.jupiter.api.Assertions.assertArrayEquals(viaTrainer, direct, (sgd ? "SGD" : "Adam"));
            // and training moved them: the comparison is not between two untouched initialisations
            try (Model model = Model.newInstance("init")) {
                model.getNDManager().getEngine().setRandomSeed(9);
                model.setBlock(Networks.smallCnn(10, Networks.Nonlinearity.LEAKY_RELU, false));
                model.getBlock().initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(16, 1, 28, 28));
                float[] init = model.getBlock().getParameters().values().get(0).getArray().toFloatArray();
                double moved = 0;
                for (int i = 0; i < init.length; i++) {
                    moved = Math.max(moved, Math.abs(init[i] - direct[i]));
                }
                assertTrue(moved > 1e-4, "the first weights moved by " + moved);
            }
        }
    }

    /** @return every parameter of the model's block, flattened in parameter order */
    private static float[] flatWeights(Model model) {
        List<Float> all = new ArrayList<>();
        for (Parameter p : model.getBlock().getParameters().values()) {
            for (float v : p.getArray().toFloatArray()) {
                all.add(v);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }
}
