package org.modelkit.forecaster.trainingtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.trainingtime.TrainingPlan;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.LabelledFiles;
import org.modelkit.linearizer.lqf.internal.LqfLinearizer;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.Training;

/**
 * The notes' setting: the MLP 64-64-64 (ReLU) pre-trained on digits 0-4 (testdata/models/digits04-mlp),
 * fine-tuned with a new 5-class head (standard initialisation, seed 1) on 150 samples of the digits 5-9,
 * squared loss with α = 1, P = 8,645. Against two things the predictor shares nothing with: the
 * linearized model trained step by step through the Linearizer (float64; exact agreement expected), and
 * the real network fine-tuned by {@link Training#trainMse} (float32; the paper's claim, within 25%).
 */
class ForecastingTest {
    static TensorBackend backend;
    static NDManager manager;
    static LabelledSet train;
    static Path model;
    static final Forecasting.Options OPTIONS = new Forecasting.Options(5, 1, 0, 0, ModeDynamics.Momentum.EXACT, true, 1, 3000);
    static Forecasting.Result gd;

    static Path testdata(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p.resolve("testdata").resolve(relative);
    }

    @BeforeAll
    static void predict() throws Exception {
        backend = LocalBackends.pytorchCpu("test");
        manager = backend.newManager();
        train = LabelledFiles.read(testdata("forecast/finetune.csv"));
        model = testdata("models/digits04-mlp");
        gd = Forecasting.predict(model, train, plan(2000, 150, 0.01, 0, 0), OPTIONS, new LqfLinearizer(), manager,
                Progress.NONE);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static TrainingPlan plan(int steps, int batch, double lr, double momentum, double decay) {
        return new TrainingPlan(steps, batch, lr, momentum, decay, 0);
    }

    static int at(double[] loss, double eps) {
        return Forecasting.firstAtOrBelow(loss, eps * loss[0]);
    }

    @Test
    void theSettingIsTheNotes() {
        assertEquals(8645, gd.parameters(), "P: 64·64 + 64 + 64·64 + 64 + 64·5 + 5");
        assertEquals(150, gd.samples());
        double stable = gd.dynamics().largestStableRate(plan(1, 150, 1, 0, 0), ModeDynamics.Momentum.EXACT);
        System.out.printf(Locale.ROOT, "λ_max(Θ) = %.1f, largest stable GD rate %.4f (the notes: 0.033)%n",
                gd.dynamics().largestEigenvalue(), stable);
        assertTrue(stable > 0.02 && stable < 0.05, "the largest stable rate " + stable + " is near the notes' 0.033");
    }

    @Test
    void theSpectrumIsNotDegenerate() {
        // a collapsed Θ (rank 1, or all modes equal) would predict a single exponential: the curve's decay
        // rate must slow down by orders of magnitude as the fast modes die
        double[] ev = gd.dynamics().eigenvalues();
        Arrays.sort(ev);
        double top = ev[ev.length - 1];
        long significant = Arrays.stream(ev).filter(v -> v > 1e-6 * top).count();
        assertTrue(significant >= 100, significant + " eigenvalues above 1e-6 λ_max of " + ev.length);
        double[] loss = gd.forecast().loss();
        double early = loss[1] / loss[0];
        double late = loss[1001] / loss[1000]; // the plan of predict() has 2,000 steps
        assertTrue(early < 0.95 && late > 0.999, "per-step decay early " + early + ", late " + late);
        double[] acc = gd.forecast().accuracy();
        assertTrue(acc[0] < 0.5 && acc[acc.length - 1] > 0.95, "predicted training accuracy from " + acc[0] + " to "
                + acc[acc.length - 1]);
    }

    static double[] simulate(TrainingPlan plan) {
        return Forecasting.simulate(model, train, plan, OPTIONS, new LqfLinearizer(), manager, Progress.NONE);
    }

    @Test
    void thePredictionIsTheLinearizedModelsTrainingExactly() throws Exception {
        TrainingPlan[] plans = {plan(1150, 150, 0.01, 0, 1e-3), plan(1150, 150, 0.01, 0, 0), plan(1150, 150, 0.001, 0.9, 0)};
        String[] names = {"GD η 0.01, weight decay 1e-3", "GD η 0.01", "momentum 0.9, η 0.001 (exact recurrence)"};
        for (int k = 0; k < plans.length; k++) {
            double[] predicted = gd.dynamics().predict(plans[k], ModeDynamics.Momentum.EXACT, true, Progress.NONE).loss();
            double[] simulated = simulate(plans[k]);
            double worst = 0;
            for (int t = 0; t < predicted.length; t++) {
                worst = Math.max(worst, Math.abs(predicted[t] - simulated[t]) / simulated[t]);
            }
            System.out.printf(Locale.ROOT, "%s: loss at 0, 1, 10, 100, 1000: predicted %s %s %s %s %s, simulated %s %s %s %s %s%n",
                    names[k], predicted[0], predicted[1], predicted[10], predicted[100], predicted[1000], simulated[0], simulated[1],
                    simulated[10], simulated[100], simulated[1000]);
            assertTrue(worst <= 1e-6, names[k] + ": the curves differ by " + worst + " relative");
            for (double eps : new double[] {0.3, 0.1, 0.05}) {
                int p = at(predicted, eps);
                int s = at(simulated, eps);
                System.out.printf(Locale.ROOT, "%s, ε = %s: predicted %d, simulated %d%n", names[k], eps, p, s);
                assertTrue(Math.abs(p - s) <= 1, names[k] + ", ε = " + eps + ": predicted " + p + ", simulated " + s);
            }
            assertTrue(at(predicted, 0.1) > 10, names[k] + ": ε = 0.1 is not reached at once");
        }
    }

    @Test
    void realFineTuningTakesThePredictedTimeWithinAQuarter() {
        Object[][] runs = {{"GD η 0.005", plan(420, 150, 0.005, 0, 0), 1}, {"GD η 0.01", plan(220, 150, 0.01, 0, 0), 1},
            {"GD η 0.02", plan(120, 150, 0.02, 0, 0), 1}, {"momentum 0.9, η 0.001", plan(230, 150, 0.001, 0.9, 0), 1},
            {"SGD B 16, η 0.01", plan(260, 16, 0.01, 0, 0), 3}};
        for (Object[] run : runs) {
            TrainingPlan p = (TrainingPlan) run[1];
            int predicted = at(gd.dynamics().predict(p, ModeDynamics.Momentum.EXACT, true, Progress.NONE).loss(), 0.1);
            int seeds = (Integer) run[2];
            double actual = 0;
            for (int s = 1; s <= seeds; s++) {
                Training.MseReport r;
                try (NDManager m = manager.newSubManager()) {
                    ModelFiles.Loaded start = Forecasting.start(model, train, OPTIONS, m);
                    r = Training.trainMse(start.block(), m, train, new Training.MseConfig(p.steps(), p.batchSize(),
                            p.learningRate(), p.momentum(), p.weightDecay(), 1, s), Progress.NONE);
                }
                int a = at(r.loss(), 0.1);
                assertTrue(a > 0, run[0] + ", seed " + s + ": real training did not reach 10% of its loss in " + p.steps()
                        + " steps");
                actual += a;
            }
            actual /= seeds;
            double err = (predicted - actual) / actual;
            System.out.printf(Locale.ROOT, "%s: T(0.1) predicted %d, actual %.1f, error %+.0f%%%n", run[0], predicted, actual,
                    100 * err);
            assertTrue(Math.abs(err) <= 0.25, run[0] + ": predicted " + predicted + " steps, actual " + actual);
        }
    }

    @Test
    void aDivergingPlanIsRefusedWithTheLargestStableRate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gd.dynamics().predict(plan(10, 150, 0.05, 0, 0), ModeDynamics.Momentum.EXACT, true, Progress.NONE));
        assertTrue(e.getMessage().contains("largest stable rate") && e.getMessage().contains("λ_max"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Forecasting.predict(model, train, plan(10, 151, 0.01, 0, 0),
                OPTIONS, new LqfLinearizer(), manager, Progress.NONE));
        assertTrue(e.getMessage().contains("batch 151"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Forecasting.predict(model, train, plan(10, 150, 0.01, 0, 0),
                new Forecasting.Options(3, 1, 0, 0, ModeDynamics.Momentum.EXACT, true, 1, 3000), new LqfLinearizer(), manager,
                Progress.NONE));
        assertTrue(e.getMessage().contains("label 4") && e.getMessage().contains("3 outputs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Forecasting.predict(model, train, plan(10, 150, 0.01, 0, 0),
                new Forecasting.Options(5, 1, 0, 0, ModeDynamics.Momentum.EXACT, true, 1, 500), new LqfLinearizer(), manager,
                Progress.NONE));
        assertTrue(e.getMessage().contains("maxRows") && e.getMessage().contains("--subset 100"), e.getMessage());
    }
}
