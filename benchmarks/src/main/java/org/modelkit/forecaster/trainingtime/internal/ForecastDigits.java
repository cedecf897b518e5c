package org.modelkit.forecaster.trainingtime.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.trainingtime.TrainingPlan;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.LabelledFiles;
import org.modelkit.linearizer.lqf.internal.LqfLinearizer;
import org.modelkit.nn.Layers;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.Training;

/**
 * What the tests do not assert, on the committed digits fixtures (benchmarks/forecast/run digits): T(ε)
 * predicted and actual at ε = 0.3, 0.1, 0.05 for every run of the notes' table, SGD with small batches with
 * and without the noise model, subsets of 75 and 38 samples against the full prediction, exact momentum
 * against the effective rate, and a head initialised small (std 0.01) instead of the standard way.
 * Actual SGD runs: mean of 3 seeds. Prints markdown.
 */
public final class ForecastDigits {
    private ForecastDigits() {
    }

    static final double[] EPS = {0.3, 0.1, 0.05};

    public static void main(String[] args) throws Exception {
        LabelledSet train = LabelledFiles.read(Path.of("testdata/forecast/finetune.csv"));
        Path model = Path.of("testdata/models/digits04-mlp");
        TensorBackend backend = LocalBackends.pytorchCpu("bench");
        Forecasting.Options std = new Forecasting.Options(5, 1, 0, 0, ModeDynamics.Momentum.EXACT, true, 1, 3000);
        try (NDManager m = backend.newManager()) {
            Forecasting.Result full = Forecasting.predict(model, train, plan(10, 150, 0.01, 0), std, new LqfLinearizer(), m,
                    Progress.NONE);
            System.out.printf(Locale.ROOT, "Digits 0-4 MLP, new standard-initialised 5-class head, N = 150, α = 1: λ_max %.1f,"
                    + " prediction %.2f s (Jacobian of 750 rows, eigendecomposition, curve).%n%n",
                    full.dynamics().largestEigenvalue(), full.seconds());
            System.out.println("## Predicted against actual steps to ε·L0");
            System.out.println();
            System.out.println("| run | noise model | ε = 0.3 | ε = 0.1 | ε = 0.05 |");
            System.out.println("|---|---|---|---|---|");
            Object[][] runs = {{"GD η 0.005", plan(1600, 150, 0.005, 0), 1}, {"GD η 0.01", plan(1600, 150, 0.01, 0), 1},
                {"GD η 0.02", plan(1000, 150, 0.02, 0), 1}, {"momentum 0.9, η 0.001", plan(1600, 150, 0.001, 0.9), 1},
                {"momentum 0.9, η 0.002", plan(1000, 150, 0.002, 0.9), 1}, {"SGD B 16, η 0.01", plan(1600, 16, 0.01, 0), 3},
                {"SGD B 4, η 0.01", plan(1600, 4, 0.01, 0), 3}, {"SGD B 4, η 0.02", plan(1000, 4, 0.02, 0), 3},
                {"SGD B 1, η 0.01", plan(1600, 1, 0.01, 0), 3}};
            for (Object[] run : runs) {
                TrainingPlan p = (TrainingPlan) run[1];
                double[] actual = actual(model, train, p, std, (Integer) run[2], m);
                for (boolean noise : p.batchSize() < 150 ? new boolean[] {true, false} : new boolean[] {true}) {
                    double[] pred = full.dynamics().predict(p, ModeDynamics.Momentum.EXACT, noise, Progress.NONE).loss();
                    StringBuilder row = new StringBuilder("| " + run[0] + " | " + (p.batchSize() < 150 ? noise ? "on" : "off" : "-")
                            + " |");
                    for (int k = 0; k < EPS.length; k++) {
                        row.append(cell(Forecasting.firstAtOrBelow(pred, EPS[k] * pred[0]), actual[k]));
                    }
                    System.out.println(row);
                }
            }

            System.out.println();
            System.out.println("## Exact heavy-ball recurrence against the effective rate η/(1 − m), GD η 0.01 for reference");
            System.out.println();
            System.out.println("| run | exact | effective rate | actual |");
            System.out.println("|---|---|---|---|");
            for (TrainingPlan p : new TrainingPlan[] {plan(1600, 150, 0.001, 0.9), plan(1000, 150, 0.002, 0.9)}) {
                double[] actual = actual(model, train, p, std, 1, m);
                int[] t = new int[2];
                for (int k = 0; k < 2; k++) {
                    double[] pred = full.dynamics().predict(p, k == 0 ? ModeDynamics.Momentum.EXACT
                            : ModeDynamics.Momentum.EFFECTIVE_RATE, true, Progress.NONE).loss();
                    t[k] = Forecasting.firstAtOrBelow(pred, 0.1 * pred[0]);
                }
                System.out.printf(Locale.ROOT, "| momentum 0.9, η %s, T(0.1) | %d | %d | %.0f |%n", p.learningRate(), t[0], t[1],
                        actual[1]);
            }

            System.out.println();
            System.out.println("## Θ from a subset, eigenvalues and p_k² scaled by N/n (GD η 0.01, T(0.1); full N = 150)");
            System.out.println();
            System.out.println("| subset n | predicted T(0.1) | T(0.05) | prediction seconds |");
            System.out.println("|---|---|---|---|");
            for (int n : new int[] {150, 75, 38}) {
                Forecasting.Options o = new Forecasting.Options(5, 1, n == 150 ? 0 : n, 0, ModeDynamics.Momentum.EXACT, true, 1,
                        3000);
                Forecasting.Result r = Forecasting.predict(model, train, plan(1600, 150, 0.01, 0), o, new LqfLinearizer(), m,
                        Progress.NONE);
                double[] l = r.forecast().loss();
                System.out.printf(Locale.ROOT, "| %d | %d | %d | %.2f |%n", n, Forecasting.firstAtOrBelow(l, 0.1 * l[0]),
                        Forecasting.firstAtOrBelow(l, 0.05 * l[0]), r.seconds());
            }

            System.out.println();
            System.out.println("## A head initialised small (weights N(0, 0.01²), bias 0) instead of U(±1/√fan_in), GD η 0.01");
            System.out.println();
            Path small = Files.createTempDirectory("forecast-small-head");
            try (NDManager t = m.newSubManager()) {
                ModelFiles.Loaded start = Forecasting.start(model, train, std, t);
                List<String> head = Layers.last(Layers.withParameters(start.block()), 1);
                Random rnd = new Random(1);
                for (Pair<String, Parameter> p : start.block().getParameters()) {
                    if (head.contains(p.getKey())) {
                        NDArray a = p.getValue().getArray();
                        float[] v = new float[(int) a.size()];
                        if (p.getKey().endsWith("weight")) {
                            for (int i = 0; i < v.length; i++) {
                                v[i] = (float) (0.01 * rnd.nextGaussian());
                            }
                        }
                        a.set(v);
                    }
                }
                ModelFiles.save(small, start.spec(), start.block());
            }
            Forecasting.Options keep = new Forecasting.Options(0, 1, 0, 0, ModeDynamics.Momentum.EXACT, true, 1, 3000);
            TrainingPlan p = plan(1600, 150, 0.01, 0);
            double[] pred = Forecasting.predict(small, train, p, keep, new LqfLinearizer(), m, Progress.NONE).forecast().loss();
            double[] actual = actual(small, train, p, keep, 1, m);
            System.out.println("| head | ε = 0.3 | ε = 0.1 | ε = 0.05 |");
            System.out.println("|---|---|---|---|");
            StringBuilder row = new StringBuilder("| std 0.01 |");
            for (int k = 0; k < EPS.length; k++) {
                row.append(cell(Forecasting.firstAtOrBelow(pred, EPS[k] * pred[0]), actual[k]));
            }
            System.out.println(row);
        }
    }

    static TrainingPlan plan(int steps, int batch, double lr, double momentum) {
        return new TrainingPlan(steps, batch, lr, momentum, 0, 0);
    }

    /** Mean actual T(ε) over seeds 1..seeds; NaN if a seed does not reach it. */
    static double[] actual(Path model, LabelledSet train, TrainingPlan p, Forecasting.Options o, int seeds, NDManager m) {
        double[] sum = new double[EPS.length];
        for (int s = 1; s <= seeds; s++) {
            Training.MseReport r;
            try (NDManager t = m.newSubManager()) {
                ModelFiles.Loaded start = Forecasting.start(model, train, o, t); // the same head for every seed
                r = Training.trainMse(start.block(), t, train, new Training.MseConfig(p.steps(), p.batchSize(), p.learningRate(),
                        p.momentum(), p.weightDecay(), o.alpha(), s), Progress.NONE);
            }
            for (int k = 0; k < EPS.length; k++) {
                int a = Forecasting.firstAtOrBelow(r.loss(), EPS[k] * r.loss()[0]);
                sum[k] += a < 0 ? Double.NaN : a;
            }
        }
        for (int k = 0; k < EPS.length; k++) {
            sum[k] /= seeds;
        }
        return sum;
    }

    static String cell(int predicted, double actual) {
        if (Double.isNaN(actual)) {
            return " " + (predicted < 0 ? "-" : predicted) + " vs not reached |";
        }
        if (predicted < 0) {
            return String.format(Locale.ROOT, " not reached vs %.0f |", actual);
        }
        return String.format(Locale.ROOT, " %d vs %.0f (%+.0f%%) |", predicted, actual, 100 * (predicted - actual) / actual);
    }
}
