package org.modelkit.distiller.focal.internal;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.modelkit.api.congruent.FlipMetrics;
import org.modelkit.api.congruent.Loss;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.LabelledFiles;
import org.modelkit.io.LinePlot;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Training;

/**
 * Full Fashion-MNIST (scripts/fetch-data fashion-mnist), 3 seeds: the old model is an MLP 784-128-10 trained
 * with cross-entropy on the first 30,000 training images (or a 5-member ensemble of them, logits averaged);
 * the new model a small CNN trained on all 60,000 with every loss (ce, naive, kd, fd-kl, fd-lm; α 1, β 5,
 * T 100), Adam lr 1e-3, batch 128, the same seed and data order for every loss; flips on the 10,000 test
 * images. Prints Markdown; writes benchmarks/congruent/results/nfr-vs-error.png.
 */
public final class CongruentFashion {
    private CongruentFashion() {
    }

    static final int OLD_EPOCHS = 5;
    static final int NEW_EPOCHS = Integer.getInteger("epochs", 5);
    static final int SEEDS = Integer.getInteger("seeds", 3);

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("data/fashion-mnist");
        if (!Files.exists(dir.resolve("train-images-idx3-ubyte.gz"))) {
            throw new IllegalStateException("no " + dir + ": run scripts/fetch-data fashion-mnist");
        }
        LabelledSet train = LabelledFiles.read(dir.resolve("train-images-idx3-ubyte.gz"));
        LabelledSet test = LabelledFiles.read(dir.resolve("t10k-images-idx3-ubyte.gz"));
        LabelledSet half = train.select(Arrays.copyOf(Sampling.range(train.size()), 30_000));
        TensorBackend backend = LocalBackends.pytorchCpu("bench");
        ModelSpec oldSpec = NetSpec.parse("mlp:128", 10, new int[] {28, 28}, null);
        ModelSpec newSpec = NetSpec.parse("small-cnn", 10, new int[] {28, 28}, null);
        Loss[] losses = {Loss.CE, Loss.NAIVE, Loss.KD, Loss.FD_KL, Loss.FD_LM};
        String[] refs = {"single", "ensemble of 5"};
        // [reference][loss][seed] -> {ER, NFR, relative NFR, PFR, seconds}
        double[][][][] r = new double[2][losses.length][SEEDS][];
        double[][] oldEr = new double[2][SEEDS];
        long t0 = System.nanoTime();
        try (NDManager m = backend.newManager()) {
            for (int seed = 1; seed <= SEEDS; seed++) {
                References.Logits[] trainRef = new References.Logits[2];
                int[][] testRef = new int[2][];
                float[] sumTrain = null;
                float[] sumTest = null;
                for (int k = 0; k < 5; k++) {
                    Model old = backend.newModel("old");
                    old.setBlock(oldSpec.build());
                    Training.train(old, half, null, new Training.Config(OLD_EPOCHS, 128, Training.Method.ADAM, 1e-3, 0, 0,
                            Training.Schedule.CONSTANT, seed * 10L + k), Progress.NONE);
                    ModelFiles.Loaded l = new ModelFiles.Loaded(oldSpec, old.getBlock());
                    float[] zt = References.forward(l, train.features(), m);
                    float[] zs = References.forward(l, test.features(), m);
                    old.close();
                    if (k == 0) {
                        trainRef[0] = new References.Logits(zt.clone(), 10, oldSpec);
                        testRef[0] = new References.Logits(zs.clone(), 10, oldSpec).predictions();
                        sumTrain = zt;
                        sumTest = zs;
                    } else {
                        for (int i = 0; i < zt.length; i++) {
                            sumTrain[i] += zt[i];
                        }
                        for (int i = 0; i < zs.length; i++) {
                            sumTest[i] += zs[i];
                        }
                    }
                }
                for (int i = 0; i < sumTrain.length; i++) {
                    sumTrain[i] /= 5;
                }
                for (int i = 0; i < sumTest.length; i++) {
                    sumTest[i] /= 5;
                }
                trainRef[1] = new References.Logits(sumTrain, 10, oldSpec);
                testRef[1] = new References.Logits(sumTest, 10, oldSpec).predictions();
                for (int ref = 0; ref < 2; ref++) {
                    oldEr[ref][seed - 1] = 1 - test.accuracy(testRef[ref]);
                }
                for (int li = 0; li < losses.length; li++) {
                    for (int ref = 0; ref < 2; ref++) {
                        if (losses[li] == Loss.CE && ref == 1) {
                            // CE ignores the reference: the same network, measured against the ensemble
                            r[1][li][seed - 1] = r[0][li][seed - 1].clone();
                            continue;
                        }
                        Model neu = backend.newModel("new");
                        neu.setBlock(newSpec.build());
                        CongruentTraining.Result res = CongruentTraining.train(neu, newSpec, train, trainRef[ref], test,
                                testRef[ref], new CongruentTraining.Options(new FocalLoss.Settings(losses[li], 1, 5, 100),
                                        NEW_EPOCHS, 128, Training.Method.ADAM, 1e-3, 0, seed + 100L), Progress.NONE);
                        int[] p = Training.predict(neu, test.features(), 256);
                        neu.close();
                        FlipMetrics f = res.metrics();
                        r[ref][li][seed - 1] = new double[] {f.newErrorRate(), f.negativeFlipRate(), f.relativeNegativeFlipRate(),
                                f.positiveFlipRate(), res.seconds()};
                        if (losses[li] == Loss.CE) {
                            FlipMetrics g = FlipMetrics.of(test.labels(), testRef[1], p);
                            r[1][li][seed - 1] = new double[] {g.newErrorRate(), g.negativeFlipRate(),
                                    g.relativeNegativeFlipRate(), g.positiveFlipRate(), res.seconds()};
                        }
                        System.err.printf(Locale.ROOT, "seed %d %s %s: ER %.2f%% NFR %.2f%% (%.0f s)%n", seed, refs[ref],
                                losses[li].label(), 100 * f.newErrorRate(), 100 * f.negativeFlipRate(), res.seconds());
                    }
                }
            }
        }
        System.out.println("# Positive-congruent training on full Fashion-MNIST");
        System.out.println();
        System.out.printf(Locale.ROOT, "Old: MLP 784-128-10, cross-entropy, first 30,000 training images, %d epochs (Adam 1e-3,"
                + " batch 128); or 5 of them (logits averaged). New: small CNN on all 60,000, %d epochs, Adam 1e-3, batch 128,"
                + " α 1, β 5, T 100, the same seed and data order for every loss. 10,000 test images; %d seeds, mean ± sd."
                + " `benchmarks/congruent/run`, %.0f min on 2 threads.%n%n", OLD_EPOCHS, NEW_EPOCHS, SEEDS,
                (System.nanoTime() - t0) / 6e10);
        System.out.println("| reference | old ER | loss | new ER | NFR | relative NFR | PFR | s per training |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        List<LinePlot.Series> lines = new ArrayList<>();
        for (int ref = 0; ref < 2; ref++) {
            double[] ex = new double[losses.length];
            double[] ny = new double[losses.length];
            for (int li = 0; li < losses.length; li++) {
                double[][] v = r[ref][li];
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %.0f |%n", refs[ref], pct(oldEr[ref]),
                        losses[li].label(), pct(col(v, 0)), pct(col(v, 1)), pct(col(v, 2)), pct(col(v, 3)), mean(col(v, 4)));
                ex[li] = 100 * mean(col(v, 0));
                ny[li] = 100 * mean(col(v, 1));
            }
            lines.add(new LinePlot.Series(refs[ref], ex, ny, ref, ref == 1));
        }
        Files.createDirectories(Path.of("benchmarks/congruent/results"));
        LinePlot.write(Path.of("benchmarks/congruent/results/nfr-vs-error.png"), "MLP -> CNN, per loss in the order ce, naive, kd,"
                + " fd-kl, fd-lm", "test error (%)", "negative flip rate (%)", false, lines);
    }

    static double[] col(double[][] v, int c) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i][c];
        }
        return out;
    }

    static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    static String pct(double[] v) {
        double m = mean(v);
        double sd = Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / Math.max(1, v.length - 1));
        return String.format(Locale.ROOT, "%.2f ± %.2f %%", 100 * m, 100 * sd);
    }
}
