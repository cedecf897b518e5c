package org.modelkit.forecaster.trainingtime.internal;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.trainingtime.TrainingPlan;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.Idx;
import org.modelkit.io.LinePlot;
import org.modelkit.linearizer.lqf.internal.LqfLinearizer;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.Training;

/**
 * The CNN benchmark at N = 300 (benchmarks/forecast/run mnist): the committed Fashion-MNIST CNN
 * (testdata/models/fashion-cnn-leaky) with a new standard-initialised 10-class head fine-tuned on the
 * first 300 of the committed MNIST training images (NC = 3,000, the full Θ), α = 1. GD, momentum 0.9 and
 * SGD with B ∈ {16, 64, 128}, two learning rates each (30% and 60% of the largest stable one; at most 600 steps); predicted
 * against actual T(ε) at ε = 0.3, 0.1, 0.05 (actual: one seed); subsets of 150 and 75 samples against the
 * full prediction; the cost of training against the prediction's as the plan grows. One PNG per setting
 * in benchmarks/forecast/results/. Prints markdown.
 */
public final class ForecastMnist {
    private ForecastMnist() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("5000")) {
            large();
            return;
        }
        Path out = Path.of("benchmarks/forecast/results");
        Files.createDirectories(out);
        LabelledSet all = Idx.readLabelled(Path.of("testdata/mnist/train-1000-images-idx3-ubyte.gz"),
                Path.of("testdata/mnist/train-1000-labels-idx1-ubyte.gz"), null);
        int[] first = new int[300];
        Arrays.setAll(first, i -> i);
        LabelledSet train = all.select(first);
        Path model = Path.of("testdata/models/fashion-cnn-leaky");
        TensorBackend backend = LocalBackends.pytorchCpu("bench");
        Forecasting.Options o = new Forecasting.Options(10, 1, 0, 0, ModeDynamics.Momentum.EXACT, true, 1, 3000);
        try (NDManager m = backend.newManager()) {
            Forecasting.Result full = Forecasting.predict(model, train, new TrainingPlan(10, 300, 1e-6, 0, 0, 0), o,
                    new LqfLinearizer(), m, Progress.NONE);
            double stable = full.dynamics().largestStableRate(new TrainingPlan(1, 300, 1, 0, 0, 0), ModeDynamics.Momentum.EXACT);
            System.out.printf(Locale.ROOT, "Fashion-MNIST CNN (P = %,d), new 10-class head, 300 MNIST images (NC = 3,000): λ_max"
                    + " %.1f, largest stable GD rate %.4g; prediction %.1f s (Jacobian rows, Θ, eigendecomposition).%n%n",
                    full.parameters(), full.dynamics().largestEigenvalue(), stable, full.seconds());
            // the plan runs to 1.6x the predicted T(0.05), at most 600 steps
            double perStep = comparisons(model, train, o, full, stable, m, pred -> {
                int t05 = Forecasting.firstAtOrBelow(pred, 0.05 * pred[0]);
                return Math.min(600, t05 < 0 ? 600 : (int) (1.6 * t05) + 10);
            }, "mnist", "300 MNIST images", out);

            System.out.println();
            System.out.println("## Θ from a subset (GD at 30% of the stable rate)");
            System.out.println();
            System.out.println("| n | T(0.3) | T(0.1) | T(0.05) | prediction s |");
            System.out.println("|---|---|---|---|---|");
            TrainingPlan gd = new TrainingPlan(5000, 300, 0.3 * stable, 0, 0, 0);
            for (int n : new int[] {300, 150, 75}) {
                Forecasting.Options os = new Forecasting.Options(10, 1, n == 300 ? 0 : n, 0, ModeDynamics.Momentum.EXACT, true, 1,
                        3000);
                Forecasting.Result r = n == 300 ? full : Forecasting.predict(model, train, gd, os, new LqfLinearizer(), m,
                        Progress.NONE);
                double[] l = r.dynamics().predict(gd, ModeDynamics.Momentum.EXACT, true, Progress.NONE).loss();
                System.out.printf(Locale.ROOT, "| %d | %d | %d | %d | %.1f |%n", n, Forecasting.firstAtOrBelow(l, 0.3 * l[0]),
                        Forecasting.firstAtOrBelow(l, 0.1 * l[0]), Forecasting.firstAtOrBelow(l, 0.05 * l[0]), r.seconds());
            }

            cost(perStep, full, 300, stable, "GD on 300 images", "Jacobian", new int[] {100, 300, 1000, 3000, 10000, 30000});
        }
    }

    /**
     * The N = 5,000 row (benchmarks/forecast/run mnist5000): the first 5,000 MNIST training images of
     * data/mnist (scripts/fetch-data mnist), NC = 50,000, so Θ comes from a seeded subset of n = 250 samples
     * (2,500 rows, eigenvalues and projections scaled by N/n) with a projection of 2,000 columns per
     * parameter tensor. GD, momentum 0.9 and SGD with B ∈ {16, 64, 128} at 30% and 60% of the largest
     * stable rate the subset predicts (15% made a 600-step GD run take 15 minutes and reach only ε = 0.3); actual: one
     * seed, at most 400 steps (the loss over all 5,000 images evaluated after every step, as the training loop
     * does). Then the cost ratio by plan length.
     */
    static void large() throws Exception {
        Path out = Path.of("benchmarks/forecast/results");
        Files.createDirectories(out);
        Path images = Path.of("data/mnist/train-images-idx3-ubyte.gz");
        if (!Files.isRegularFile(images)) {
            throw new IllegalStateException(images + " is missing: run scripts/fetch-data mnist first");
        }
        LabelledSet all = Idx.readLabelled(images, Path.of("data/mnist/train-labels-idx1-ubyte.gz"), null);
        int bigN = 5000;
        int[] first = new int[bigN];
        Arrays.setAll(first, i -> i);
        LabelledSet train = all.select(first);
        Path model = Path.of("testdata/models/fashion-cnn-leaky");
        TensorBackend backend = LocalBackends.pytorchCpu("bench");
        Forecasting.Options o = new Forecasting.Options(10, 1, 250, 2000, ModeDynamics.Momentum.EXACT, true, 1, 3000);
        try (NDManager m = backend.newManager()) {
            Forecasting.Result sub = Forecasting.predict(model, train, new TrainingPlan(10, bigN, 1e-6, 0, 0, 0), o,
                    new LqfLinearizer(), m, Progress.NONE);
            double stable = sub.dynamics().largestStableRate(new TrainingPlan(1, bigN, 1, 0, 0, 0), ModeDynamics.Momentum.EXACT);
            System.out.printf(Locale.ROOT, "Fashion-MNIST CNN (P = %,d), new 10-class head, the first %,d MNIST training images"
                    + " (NC = %,d): Θ from a subset of %d samples (%,d rows), projection 2,000 columns per tensor; λ_max"
                    + " (scaled by N/n) %.1f, largest stable GD rate %.4g; prediction %.1f s (Jacobian rows, Θ,"
                    + " eigendecomposition).%n%n", sub.parameters(), bigN, 10 * bigN, sub.samples(), sub.samples() * 10,
                    sub.dynamics().largestEigenvalue(), stable, sub.seconds());
            // a full-batch step on 5,000 images takes over a second here: the plan runs to 1.3x the predicted T(0.1), at
            // most 400 steps, so ε = 0.05 is often not reached within it
            double perStep = comparisons(model, train, o, sub, stable, m, pred -> {
                int t10 = Forecasting.firstAtOrBelow(pred, 0.1 * pred[0]);
                return Math.min(400, t10 < 0 ? 400 : (int) (1.3 * t10) + 10);
            }, "mnist5000", "5,000 MNIST images, Θ from 250", out);
            cost(perStep, sub, bigN, stable, String.format(Locale.ROOT, "GD on %,d images", bigN), "Jacobian of the subset",
                    new int[] {100, 300, 1000, 3000, 10000});
        }
    }

    /**
     * GD, momentum 0.9 and SGD with B 16, 64, 128 at 30% and 60% of the stable rate: predicted against actual steps
     * to ε·L0 at ε 0.3, 0.1, 0.05 (the table's rows) and a PNG of both curves per run.
     *
     * @param plan the number of steps to train, from the predicted curve
     * @return the mean seconds per full-batch step
     */
    static double comparisons(Path model, LabelledSet train, Forecasting.Options o, Forecasting.Result r, double stable,
            NDManager m, java.util.function.ToIntFunction<double[]> plan, String prefix, String caption, Path out)
            throws java.io.IOException {
        System.out.println("## Predicted against actual steps to ε·L0 (actual: one run, seed 1)");
        System.out.println();
        System.out.println("| run | η | ε = 0.3 | ε = 0.1 | ε = 0.05 | training s | per step ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        int n = train.size();
        double perStep = 0;
        int measured = 0;
        for (String kind : List.of("GD", "momentum 0.9", "SGD B 16", "SGD B 64", "SGD B 128")) {
            for (double f : new double[] {0.3, 0.6}) {
                int batch = kind.startsWith("SGD") ? Integer.parseInt(kind.substring(6)) : n;
                double mom = kind.startsWith("momentum") ? 0.9 : 0;
                double lr = f * stable * (mom > 0 ? (1 - mom) : 1);
                TrainingPlan probe = new TrainingPlan(5_000, batch, lr, mom, 0, 0);
                double[] pred = r.dynamics().predict(probe, ModeDynamics.Momentum.EXACT, true, Progress.NONE).loss();
                int steps = plan.applyAsInt(pred);
                Training.MseReport actual;
                long t0 = System.nanoTime();
                try (NDManager t = m.newSubManager()) {
                    ModelFiles.Loaded start = Forecasting.start(model, train, o, t);
                    actual = Training.trainMse(start.block(), t, train, new Training.MseConfig(steps, batch, lr, mom, 0, 1, 1),
                            Progress.NONE);
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                if (batch == n) {
                    perStep += sec / steps;
                    measured++;
                }
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %.3g |", kind, lr));
                for (double eps : new double[] {0.3, 0.1, 0.05}) {
                    row.append(ForecastDigits.cell(Forecasting.firstAtOrBelow(pred, eps * pred[0]), at(actual.loss(), eps)));
                }
                row.append(String.format(Locale.ROOT, " %.1f | %.1f |", sec, 1000 * sec / steps));
                System.out.println(row);
                System.out.flush();
                LinePlot.write(out.resolve(String.format(Locale.ROOT, "%s-%s-%.0f.png", prefix, kind.replace(' ', '-'), 100 * f)),
                        String.format(Locale.ROOT, "%s, η %.3g (%.0f%% of the stable rate), %s", kind, lr, 100 * f, caption),
                        "step", "loss", true, List.of(LinePlot.Series.of("predicted", Arrays.copyOf(pred, steps + 1), 0, true),
                                LinePlot.Series.of("actual", actual.loss(), 1, false)));
            }
        }
        return perStep / measured;
    }

    /** The cost table: training against predicting (once, plus the curve per step) by plan length. */
    static void cost(double perStep, Forecasting.Result r, int samples, double stable, String training, String jacobian,
            int[] lengths) {
        System.out.println();
        System.out.println("## Cost: training against predicting, by plan length (full-batch GD)");
        System.out.println();
        long c0 = System.nanoTime();
        r.dynamics().predict(new TrainingPlan(10_000, samples, 0.3 * stable, 0, 0, 0), ModeDynamics.Momentum.EXACT, true,
                Progress.NONE);
        double curvePerStep = (System.nanoTime() - c0) / 1e9 / 10_000;
        double fixed = r.seconds();
        System.out.printf(Locale.ROOT, "Training: %.1f ms per step (%s, the loss over the set evaluated each step). Prediction:"
                + " %.1f s once (%s, Θ, eigendecomposition) + %.3f ms per predicted step.%n%n", 1000 * perStep, training, fixed,
                jacobian, 1000 * curvePerStep);
        System.out.println("| plan steps | training s | prediction s | training / prediction |");
        System.out.println("|---|---|---|---|");
        for (int steps : lengths) {
            double tr = perStep * steps;
            double pr = fixed + curvePerStep * steps;
            System.out.printf(Locale.ROOT, "| %,d | %.1f | %.1f | %.2fx |%n", steps, tr, pr, tr / pr);
        }
        double one = fixed / (perStep - curvePerStep);
        double ten = 10 * fixed / (perStep - 10 * curvePerStep);
        System.out.printf(Locale.ROOT, "%nTraining costs as much as the prediction at about %,.0f steps and 10x at about %s"
                + " (the paper: 30-45x for ResNets).%n", one, ten > 0 ? String.format(Locale.ROOT, "%,.0f steps", ten)
                : "never (the predicted curve's per-step cost exceeds a tenth of a training step)");
    }

    static double at(double[] loss, double eps) {
        int a = Forecasting.firstAtOrBelow(loss, eps * loss[0]);
        return a < 0 ? Double.NaN : a;
    }
}
