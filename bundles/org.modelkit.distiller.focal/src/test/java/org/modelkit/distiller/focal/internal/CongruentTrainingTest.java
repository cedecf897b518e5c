package org.modelkit.distiller.focal.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modelkit.api.congruent.FlipMetrics;
import org.modelkit.api.congruent.Loss;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Training;

/**
 * The notes' calibrated setting, generated here: a Gaussian mixture (d = 20, 10 classes, class means
 * N(0, 1), unit noise), 2,000 training and 10,000 test samples; old MLP 20-32-32-10 trained with
 * cross-entropy, new MLP 20-64-64-10, 400 Adam steps (lr 1e-2, batch 256) each. The paper's effect: focal
 * distillation (and KD) cut the negative flips of the update at the same error.
 */
class CongruentTrainingTest {
    static TensorBackend backend;
    static NDManager manager;
    static final ModelSpec OLD = new ModelSpec("mlp", 10, "relu", false, new int[] {32, 32}, new int[] {20});
    static final ModelSpec NEW = new ModelSpec("mlp", 10, "relu", false, new int[] {64, 64}, new int[] {20});
    static final int EPOCHS = 50; // 8 steps of 256 per epoch: 400 steps

    @BeforeAll
    static void open() {
        backend = LocalBackends.pytorchCpu("test");
        manager = backend.newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** @return {train, test} of the mixture drawn with the seed */
    static LabelledSet[] mixture(long seed) {
        Random r = new Random(seed);
        double[][] means = new double[10][20];
        for (double[] m : means) {
            for (int j = 0; j < 20; j++) {
                m[j] = r.nextGaussian();
            }
        }
        LabelledSet[] out = new LabelledSet[2];
        int[] sizes = {2000, 10000};
        for (int s = 0; s < 2; s++) {
            float[] x = new float[sizes[s] * 20];
            int[] y = new int[sizes[s]];
            for (int i = 0; i < sizes[s]; i++) {
                y[i] = r.nextInt(10);
                for (int j = 0; j < 20; j++) {
                    x[i * 20 + j] = (float) (means[y[i]][j] + r.nextGaussian());
                }
            }
            out[s] = LabelledSet.withNumberedClasses(Tensor.of(x, sizes[s], 20), y);
        }
        return out;
    }

    /**
     * A model trained with cross-entropy by the nn library's own loop (not the code under test). The caller
     * closes it: a Model nobody holds is closed by DJL's finalizer, and with it the arrays of a block still
     * in use (an earlier version returned only the block, and a reference's logits came out NaN when the
     * collector ran mid-forward).
     */
    static Model trainPlain(ModelSpec spec, LabelledSet train, long seed) {
        Model m = backend.newModel("old");
        m.setBlock(spec.build());
        Training.train(m, train, null, new Training.Config(EPOCHS, 256, Training.Method.ADAM, 1e-2, 0, 0,
                Training.Schedule.CONSTANT, seed), Progress.NONE);
        return m;
    }

    static References.Logits logits(List<ModelFiles.Loaded> members, Tensor x) {
        float[] sum = null;
        for (ModelFiles.Loaded l : members) {
            float[] z = References.forward(l, x, manager);
            if (sum == null) {
                sum = z;
            } else {
                for (int i = 0; i < z.length; i++) {
                    sum[i] += z[i];
                }
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= members.size();
        }
        return new References.Logits(sum, 10, members.get(0).spec());
    }

    static FlipMetrics distill(ModelSpec spec, LabelledSet train, References.Logits ref, LabelledSet test, int[] refTest,
            Loss loss, long seed) {
        Model m = backend.newModel("new");
        m.setBlock(spec.build());
        try {
            CongruentTraining.Result r = CongruentTraining.train(m, spec, train, ref, test, refTest, new CongruentTraining.Options(
                    new FocalLoss.Settings(loss, 1, 5, 100), EPOCHS, 256, Training.Method.ADAM, 1e-2, 0, seed), Progress.NONE);
            if (r.checks().recomputed() > 0) {
                System.out.println(loss.label() + " seed " + seed + ": " + r.checks());
            }
            return r.metrics();
        } finally {
            m.close();
        }
    }

    @Test
    void focalDistillationCutsNegativeFlipsAtTheSameError() {
        Loss[] treated = {Loss.FD_KL, Loss.FD_LM, Loss.KD};
        int[] wins = new int[treated.length];
        for (long seed = 1; seed <= 5; seed++) {
            LabelledSet[] d = mixture(seed);
            References.Logits ref;
            int[] refTest;
            try (Model old = trainPlain(OLD, d[0], seed)) {
                ModelFiles.Loaded l = new ModelFiles.Loaded(OLD, old.getBlock());
                ref = logits(List.of(l), d[0].features());
                refTest = new References.Logits(References.forward(l, d[1].features(), manager), 10, OLD).predictions();
            }
            FlipMetrics ce = distill(NEW, d[0], ref, d[1], refTest, Loss.CE, seed + 100);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "seed %d: old ER %.2f%%; CE ER %.2f%% NFR %.2f%%",
                    seed, 100 * ce.referenceErrorRate(), 100 * ce.newErrorRate(), 100 * ce.negativeFlipRate()));
            for (int k = 0; k < treated.length; k++) {
                FlipMetrics f = distill(NEW, d[0], ref, d[1], refTest, treated[k], seed + 100);
                boolean win = f.negativeFlipRate() <= 0.7 * ce.negativeFlipRate()
                        && Math.abs(f.newErrorRate() - ce.newErrorRate()) <= 0.005;
                wins[k] += win ? 1 : 0;
                line.append(String.format(Locale.ROOT, "; %s ER %.2f%% NFR %.2f%%%s", treated[k].label(), 100 * f.newErrorRate(),
                        100 * f.negativeFlipRate(), win ? "" : " (not ≤ 0.7x at ±0.5 pp)"));
            }
            System.out.println(line);
        }
        for (int k = 0; k < treated.length; k++) {
            assertTrue(wins[k] >= 4, treated[k].label() + " cut NFR to ≤ 0.7x at the same error in " + wins[k] + " of 5 seeds");
        }
    }

    /** A network trained with cross-entropy from a seed by the code under test (CE ignores the reference). */
    static float[] logitsOf(TensorBackend backend, NDManager manager, ModelSpec spec, LabelledSet train, LabelledSet test,
            int epochs, int batch, double lr, long seed) {
        Model m = backend.newModel("member");
        m.setBlock(spec.build());
        try {
            References.Logits none = new References.Logits(new float[train.size() * spec.classes()], spec.classes(), spec);
            CongruentTraining.train(m, spec, train, none, null, null, new CongruentTraining.Options(
                    new FocalLoss.Settings(Loss.CE, 1, 5, 100), epochs, batch, Training.Method.ADAM, lr, 0, seed), Progress.NONE);
            return References.forward(new ModelFiles.Loaded(spec, m.getBlock()), test.features(), manager);
        } finally {
            m.close();
        }
    }

    static float[] mean(float[][] z) {
        float[] out = new float[z[0].length];
        for (float[] v : z) {
            for (int i = 0; i < v.length; i++) {
                out[i] += v[i] / z.length;
            }
        }
        return out;
    }

    static int[] argmax(float[] z) {
        return new References.Logits(z, 10, null).predictions();
    }

    @Test
    void ensemblesFlipLessThanSingleModels() {
        for (long seed = 1; seed <= 3; seed++) {
            LabelledSet[] d = mixture(seed);
            float[][] oldZ = new float[5][];
            float[][] newZ = new float[5][];
            for (int k = 0; k < 5; k++) {
                oldZ[k] = logitsOf(backend, manager, OLD, d[0], d[1], EPOCHS, 256, 1e-2, seed * 10 + k);
                newZ[k] = logitsOf(backend, manager, NEW, d[0], d[1], EPOCHS, 256, 1e-2, seed * 10 + k + 100);
            }
            // single -> single: the mean over the five pairs of members, the better estimate of one update's NFR
            double single = 0;
            for (int k = 0; k < 5; k++) {
                single += FlipMetrics.of(d[1].labels(), argmax(oldZ[k]), argmax(newZ[k])).negativeFlipRate() / 5;
            }
            FlipMetrics first = FlipMetrics.of(d[1].labels(), argmax(oldZ[0]), argmax(newZ[0]));
            FlipMetrics ens = FlipMetrics.of(d[1].labels(), argmax(mean(oldZ)), argmax(mean(newZ)));
            System.out.printf(Locale.ROOT, "mixture seed %d: single -> single NFR %.2f%% (mean of 5 pairs; the first %.2f%%, ER %.2f%% -> %.2f%%); ensemble ->"
                    + " ensemble NFR %.2f%% (ER %.2f%% -> %.2f%%)%n", seed, 100 * single, 100 * first.negativeFlipRate(),
                    100 * first.referenceErrorRate(), 100 * first.newErrorRate(), 100 * ens.negativeFlipRate(),
                    100 * ens.referenceErrorRate(), 100 * ens.newErrorRate());
            assertTrue(ens.negativeFlipRate() < single, "seed " + seed);
        }
    }
}
