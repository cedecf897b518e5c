package org.modelkit.linearizer.lqf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modelkit.compute.pytorch.LocalBackends;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.finetune.FineTuneRequest;
import org.modelkit.api.finetune.FineTuneResult;
import org.modelkit.api.finetune.Solver;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.linearizer.LinearizedModel;
import org.modelkit.compute.api.linearizer.Projection;
import org.modelkit.io.Csv;
import org.modelkit.io.FormatException;
import org.modelkit.io.Idx;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Training;

/**
 * LQF's properties on real data, fixed seeds. The setting of the notes' trial: sklearn digits, an MLP
 * 64-64-64 with Leaky-ReLU pre-trained on digits 0-4, fine-tuned on digits 5-9 with 10 shots per class,
 * the whole network linearized; and the committed Fashion-MNIST CNN fine-tuned on MNIST.
 */
class FineTuningTest {
    static LabelledSet source;
    static LabelledSet target;
    static LabelledSet shots;
    static Path pretrained;

    static Path testdata(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p.resolve("testdata").resolve(relative);
    }

    /** The first {@code perClass} samples of each class. */
    static LabelledSet shots(LabelledSet s, int perClass) {
        int[] count = new int[s.classCount()];
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            if (count[s.label(i)]++ < perClass) {
                idx.add(i);
            }
        }
        return s.select(idx.stream().mapToInt(Integer::intValue).toArray());
    }

    @BeforeAll
    static void pretrain() throws IOException {
        LabelledSet all = Csv.readLabelled(testdata("sklearn/digits.csv.gz"), false, -1);
        float[] x = all.features().toArray();
        for (int i = 0; i < x.length; i++) {
            x[i] /= 16f;
        }
        Tensor features = Tensor.of(x, all.size(), 64);
        List<Integer> lo = new ArrayList<>();
        List<Integer> hi = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (all.label(i) < 5 ? lo : hi).add(i);
        }
        source = subset(features, all, lo, 0);
        target = subset(features, all, hi, 5);
        shots = shots(target, 10);
        pretrained = Files.createTempDirectory("lqf-mlp");
        ModelSpec spec = new ModelSpec("mlp", 5, "leaky_relu", false, new int[] {64, 64}, new int[] {64});
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(spec.build());
            Training.train(model, source, null, new Training.Config(30, 32, Training.Method.SGD, 0.05, 0.9, 0,
                    Training.Schedule.CONSTANT, 1), Progress.NONE);
            ModelFiles.save(pretrained, spec, model.getBlock());
        }
    }

    private static LabelledSet subset(Tensor features, LabelledSet all, List<Integer> rows, int offset) {
        int[] idx = rows.stream().mapToInt(Integer::intValue).toArray();
        int[] labels = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            labels[i] = all.label(idx[i]) - offset;
        }
        return LabelledSet.withNumberedClasses(features.select(idx), labels);
    }

    static FineTuning tuning() {
        return new FineTuning(LqfSettings.DEFAULTS, new LqfLinearizer(), LocalBackends.pytorchCpu("test"));
    }

    @Test
    void kfacReachesTenPercentOfTheLossInAtMostOneTwentiethOfTheStepsOfGradientDescent() throws IOException {
        FineTuneResult kfac = tuning().run(new FineTuneRequest(pretrained, shots, target, Solver.KFAC, 20, 0, 1, null),
                Progress.NONE);
        FineTuneResult gd = tuning().run(new FineTuneRequest(pretrained, shots, target, Solver.GD, 1000, 0, 1, null),
                Progress.NONE);
        int k = kfac.stepsToFraction(0.1);
        int g = gd.stepsToFraction(0.1);
        System.out.printf("steps to 10%% of the initial loss: K-FAC %d, GD at its largest stable step %d (%.0fx);"
                + " test accuracy: LQF-K-FAC %.3f, LQF-GD %.3f, linear probe %.3f%n", k, g, (double) g / k,
                kfac.testAccuracy(), gd.testAccuracy(), kfac.probeTestAccuracy());
        assertTrue(k >= 1 && g >= 1, "both reach 10%: K-FAC " + k + ", GD " + g);
        assertTrue(20 * k <= g, "K-FAC took " + k + " steps, gradient descent " + g);
        for (int i = 1; i < kfac.loss().length; i++) {
            assertTrue(kfac.loss()[i] <= kfac.loss()[i - 1] * (1 + 1e-6), "K-FAC's loss rose at step " + i);
        }
    }

    @Test
    void gradientDescentJustAboveTheLargestStableStepDiverges() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = ModelFiles.load(pretrained, m).block();
            NDArray x = Datasets.rows(m, shots.features(), org.modelkit.api.data.Sampling.range(shots.size()));
            NDArray y = m.create(FineTuning.longs(shots.labels()));
            FineTuning ft = tuning();
            Heads.initHead(net, 1, LqfSettings.DEFAULTS.headScale());
            try (LinearizedModel model = new LqfLinearizer().linearize(net, n -> true, m);
                    Quadratic q = new Quadratic(model, x, y, 1.0, 1e-4)) {
                double top = q.largestEigenvalue();
                NDList d = q.zeros(m);
                double[] stable = q.minimise(d, Solver.GD, null, 1.9 / top, 100, Progress.NONE);
                NDList e = q.zeros(m);
                double[] unstable = q.minimise(e, Solver.GD, null, 2.1 / top, 100, Progress.NONE);
                System.out.printf("GD: 1.9/lambda_max -> loss %.3g after 100 steps, 2.1/lambda_max -> %.3g%n",
                        stable[100], unstable[100]);
                assertTrue(stable[100] < stable[0] && unstable[100] > unstable[0]);
            }
        }
    }

    /** f0(x) + J(x)δ for δ fitted from a start and a sample order. */
    static float[] predictions(FineTuning ft, Block net, List<String> selected, LabelledSet train, int[] order,
            NDList start, Tensor heldOut, NDManager m) {
        LabelledSet ordered = train.select(order);
        NDArray x = Datasets.rows(m, ordered.features(), org.modelkit.api.data.Sampling.range(ordered.size()));
        NDArray y = m.create(FineTuning.longs(ordered.labels()));
        try (FineTuning.LinearizedModelFit fit = ft.fit(net, selected, x, y, Solver.KFAC, 300, Progress.NONE, start)) {
            return ft.scores(fit.model, fit.delta, heldOut, m).toFloatArray();
        }
    }

    static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Test
    void convexityTwoStartsAndOrdersReachTheSamePredictions() throws IOException {
        Tensor heldOut = shots(target, 40).select(org.modelkit.api.data.Sampling.range(200)).features();
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = ModelFiles.load(pretrained, m).block();
            FineTuning ft = tuning();
            Heads.initHead(net, 1, LqfSettings.DEFAULTS.headScale());
            List<String> all = org.modelkit.nn.Layers.last(org.modelkit.nn.Layers.withParameters(net), 0);
            float[] a = predictions(ft, net, all, shots, org.modelkit.api.data.Sampling.range(shots.size()), null, heldOut, m);
            int[] reversed = new int[shots.size()];
            for (int i = 0; i < reversed.length; i++) {
                reversed[i] = shots.size() - 1 - i;
            }
            NDList start = new NDList();
            m.getEngine().setRandomSeed(5);
            try (LinearizedModel probe = new LqfLinearizer().linearize(net, n -> true, m)) {
                for (NDArray w : probe.weights0()) {
                    start.add(m.randomNormal(0f, 0.05f, w.getShape(), DataType.FLOAT32));
                }
            }
            float[] b = predictions(ft, net, all, shots, reversed, start, heldOut, m);
            double d = maxDiff(a, b);
            System.out.printf("two K-FAC runs (start 0 vs random, two sample orders), 200 held-out samples: max |diff| %.2e%n", d);
            assertTrue(d <= 1e-3, "the runs end at different predictions: " + d);
        }
    }

    @Test
    void onTheHeadAloneTheFitEqualsTheClosedFormOptimum() throws IOException {
        Tensor heldOut = shots(target, 40).select(org.modelkit.api.data.Sampling.range(200)).features();
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = ModelFiles.load(pretrained, m).block();
            FineTuning ft = tuning();
            Heads.initHead(net, 1, LqfSettings.DEFAULTS.headScale());
            List<String> head = org.modelkit.nn.Layers.last(org.modelkit.nn.Layers.withParameters(net), 1);
            float[] fitted = predictions(ft, net, head, shots, org.modelkit.api.data.Sampling.range(shots.size()), null, heldOut, m);
            // closed form, as kernel regression with the empirical NTK of the linearized head:
            // f(x_h) = f0(x_h) + Θ(x_h, X)(Θ(X, X) + NλI)⁻¹(αY - f0(X))
            try (LinearizedModel model = new LqfLinearizer().linearize(net, head::contains, m)) {
                NDArray x = Datasets.rows(m, shots.features(), org.modelkit.api.data.Sampling.range(shots.size()));
                NDArray xh = Datasets.rows(m, heldOut, org.modelkit.api.data.Sampling.range(heldOut.dim(0)));
                int n = shots.size();
                int k = model.outputs();
                // Jacobian rows in float32, their products in float64: (Θ + NλI) is ill-conditioned at λ = 1e-4
                NDArray j = model.jacobian(x, Projection.NONE).toType(DataType.FLOAT64, false);
                NDArray jh = model.jacobian(xh, Projection.NONE).toType(DataType.FLOAT64, false);
                NDArray theta = j.matMul(j.transpose());
                NDArray cross = jh.matMul(j.transpose());
                NDArray r = m.create(FineTuning.longs(shots.labels())).oneHot(k).toType(DataType.FLOAT64, false)
                        .sub(model.f0(x).toType(DataType.FLOAT64, false)).reshape(n * k, 1);
                DMatrixRMaj kk = new DMatrixRMaj(n * k, n * k, true, theta.toDoubleArray());
                for (int i = 0; i < n * k; i++) {
                    kk.add(i, i, n * LqfSettings.DEFAULTS.weightDecay());
                }
                DMatrixRMaj a = new DMatrixRMaj(n * k, 1);
                assertTrue(CommonOps_DDRM.solveSPD(kk, new DMatrixRMaj(n * k, 1, true, r.toDoubleArray()), a));
                NDArray closed = model.f0(xh).toType(DataType.FLOAT64, false).reshape(-1, 1)
                        .add(cross.matMul(m.create(a.getData(), new ai.djl.ndarray.types.Shape(n * k, 1))));
                float[] exact = closed.toType(DataType.FLOAT32, false).toFloatArray();
                double d = maxDiff(fitted, exact);
                System.out.printf("head only (%d parameters): K-FAC fit vs closed form on 200 held-out samples: max |diff| %.2e%n",
                        model.parameterCount(), d);
                assertTrue(d <= 1e-3, "the fit differs from the closed-form optimum by " + d);
            }
        }
    }

    @Test
    void fashionCnnFineTunedOnMnistSavesAndPredictsTheSame(@TempDir Path tmp) throws IOException {
        LabelledSet mnistTrain = Idx.readLabelled(testdata("mnist/train-1000-images-idx3-ubyte.gz"),
                testdata("mnist/train-1000-labels-idx1-ubyte.gz"), null);
        LabelledSet mnistTest = Idx.readLabelled(testdata("mnist/t10k-1000-images-idx3-ubyte.gz"),
                testdata("mnist/t10k-1000-labels-idx1-ubyte.gz"), null);
        Path out = tmp.resolve("lqf");
        FineTuneResult r = tuning().run(new FineTuneRequest(testdata("models/fashion-cnn-leaky"), shots(mnistTrain, 10),
                mnistTest, Solver.KFAC, 10, 2, 3, out), Progress.NONE);
        System.out.printf("Fashion-MNIST CNN -> MNIST, 10 shots, last 2 layers (%d parameters): LQF %.3f, linear probe %.3f%n",
                r.linearizedParameters(), r.testAccuracy(), r.probeTestAccuracy());
        assertTrue(r.testAccuracy() > 0.5, "accuracy " + r.testAccuracy());
        int[] p = tuning().predict(out, mnistTest.features());
        assertEquals(r.testAccuracy(), mnistTest.accuracy(p), 1e-12, "the saved model predicts as the job measured");
        // a second run into the same folder replaces it as a whole, leaving nothing beside it
        Path other = tmp.resolve("lqf-other");
        tuning().run(new FineTuneRequest(testdata("models/fashion-cnn-leaky"), shots(mnistTrain, 5), mnistTest,
                Solver.GD, 3, 2, 4, other), Progress.NONE);
        tuning().run(new FineTuneRequest(testdata("models/fashion-cnn-leaky"), shots(mnistTrain, 10), mnistTest,
                Solver.KFAC, 10, 2, 3, out), Progress.NONE);
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("lqf", "lqf-other"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        // what a kill during an in-place rewrite used to leave: a newer delta.params beside the older files,
        // which was then trusted (accuracy 0.357). It is refused, naming the file
        Files.copy(other.resolve(LqfFiles.DELTA), out.resolve(LqfFiles.DELTA), StandardCopyOption.REPLACE_EXISTING);
        FormatException mixed = assertThrows(FormatException.class, () -> tuning().predict(out, mnistTest.features()));
        assertTrue(mixed.getMessage().contains(LqfFiles.DELTA) && mixed.getMessage().contains("does not belong"),
                mixed.getMessage());
        // a truncated delta.params names the file too
        byte[] delta = Files.readAllBytes(other.resolve(LqfFiles.DELTA));
        Files.write(other.resolve(LqfFiles.DELTA), java.util.Arrays.copyOf(delta, delta.length / 2));
        FormatException truncated = assertThrows(FormatException.class, () -> tuning().predict(other, mnistTest.features()));
        assertTrue(truncated.getMessage().contains(LqfFiles.DELTA), truncated.getMessage());
    }

    @Test
    void badInputIsNamedAndNothingIsWritten(@TempDir Path tmp) {
        Path out = tmp.resolve("never");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tuning().run(new FineTuneRequest(
                testdata("models/fashion-cnn-leaky"), shots, null, Solver.KFAC, 2, 0, 1, out), Progress.NONE));
        assertTrue(e.getMessage().contains("[64]") && e.getMessage().contains("[1, 28, 28]"), e.getMessage());
        FormatException f = assertThrows(FormatException.class, () -> tuning().run(new FineTuneRequest(tmp.resolve("none"),
                shots, null, Solver.KFAC, 2, 0, 1, out), Progress.NONE));
        assertTrue(f.getMessage().contains("not a model directory"), f.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tuning().run(new FineTuneRequest(pretrained, shots, null,
                Solver.KFAC, 2, 7, 1, out), Progress.NONE));
        assertTrue(e.getMessage().contains("linearizedLayers = 7"), e.getMessage());
        assertFalse(Files.exists(out));
    }

}
