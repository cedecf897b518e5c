package org.modelkit.normalizer.eman.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.io.Idx;
import org.modelkit.nn.CountingBatchNorm;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.Networks;

/**
 * The EMAN paper's properties on real data: a BN-MLP student trained on 2,000 Fashion-MNIST
 * images, followed by an "eman" and a "bn" teacher from the same student (m = 0.99), fixed seed.
 */
class NormalizerTest {
    static final Shape INPUT = new Shape(1, 1, 28, 28);
    static final double M = 0.99;
    static LabelledSet train;
    static LabelledSet test;
    static StudentTeacher eman;
    static Block bnTeacher;
    static EmaNormalizer bn = new BnNormalizer();
    /** The first batch norm's running mean, student after initialisation and after each step. */
    static List<double[]> studentMeans = new ArrayList<>();
    static List<Float> studentCounters = new ArrayList<>();
    static double[] bnTeacherMeanAtStart;

    /** The notes' network: an MLP with batch norm after each hidden layer (784-128-BN-128-BN-10). */
    static Block net() {
        return Networks.mlp(new int[] {128, 128}, 10, Networks.Nonlinearity.RELU, true);
    }

    static Path testdata(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p.resolve("testdata").resolve(relative);
    }

    static LabelledSet fashion(String split, int n) throws IOException {
        return Idx.readLabelled(testdata("fashion-mnist/" + split + "-" + n + "-images-idx3-ubyte.gz"),
                testdata("fashion-mnist/" + split + "-" + n + "-labels-idx1-ubyte.gz"), null);
    }

    static Parameter firstRunning(Block b, String suffix) {
        for (var p : b.getParameters()) {
            if (p.getKey().endsWith(suffix)) {
                return p.getValue();
            }
        }
        throw new AssertionError("no parameter ending in " + suffix);
    }

    static double[] doubles(NDArray a) {
        float[] f = a.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @BeforeAll
    static void train() throws IOException {
        train = fashion("train", 2000);
        test = fashion("t10k", 1000);
        Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).optMomentum(0.9f).build();
        eman = new StudentTeacher(() -> net(), INPUT,
                new EmanNormalizer(), sgd, LocalBackends.pytorchCpu("test"), 7);
        bnTeacher = net();
        bnTeacher.initialize(eman.manager(), ai.djl.ndarray.types.DataType.FLOAT32, INPUT);
        bn.initialize(eman.student(), bnTeacher);
        bnTeacherMeanAtStart = doubles(firstRunning(bnTeacher, "runningMean").getArray());
        studentMeans.add(doubles(firstRunning(eman.student(), "runningMean").getArray()));
        studentCounters.add(firstRunning(eman.student(), CountingBatchNorm.COUNTER).getArray().getFloat(0));
        Random r = new Random(7);
        int[] idx = new int[train.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Loss ce = Loss.softmaxCrossEntropyLoss();
        for (int epoch = 0; epoch < 5; epoch++) {
            for (int i = idx.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
            for (int s = 0; s + 64 <= idx.length; s += 64) {
                int[] rows = java.util.Arrays.copyOfRange(idx, s, s + 64);
                try (NDManager m = eman.manager().newSubManager()) {
                    NDArray x = Datasets.rows(m, train.features(), rows);
                    float[] y = new float[rows.length];
                    for (int i = 0; i < rows.length; i++) {
                        y[i] = train.label(rows[i]);
                    }
                    NDArray labels = m.create(y);
                    eman.step(t -> ce.evaluate(new NDList(labels), t.forward(new NDList(x))));
                }
                eman.follow(M);
                bn.update(eman.student(), bnTeacher, M);
                studentMeans.add(doubles(firstRunning(eman.student(), "runningMean").getArray()));
                studentCounters.add(firstRunning(eman.student(), CountingBatchNorm.COUNTER).getArray().getFloat(0));
            }
        }
    }

    @AfterAll
    static void close() {
        eman.close();
    }

    /**
     * The notes' own setting for the closed-form check: sklearn digits (1,797 8x8 images, scaled to
     * [0, 1]), the MLP 64-128-BN-128-BN-10, SGD lr 0.05 momentum 0.9, batch 32, 300 steps, m = 0.99.
     * Returns the largest |teacher running mean - closed-form EMA| over both batch norms, and checks
     * the counters on the way.
     */
    static double[] digitsClosedForm() throws IOException {
        LabelledSet all = org.modelkit.io.Csv.readLabelled(testdata("sklearn/digits.csv.gz"), false, -1);
        float[] x = all.features().toArray();
        for (int i = 0; i < x.length; i++) {
            x[i] /= 16f;
        }
        LabelledSet digits = new LabelledSet(org.modelkit.api.data.Tensor.of(x, all.size(), 64), all.labels(),
                all.classNames());
        Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).optMomentum(0.9f).build();
        Shape in = new Shape(1, 64);
        try (StudentTeacher st = new StudentTeacher(() -> Networks.mlp(new int[] {128, 128}, 10,
                Networks.Nonlinearity.RELU, true), in, new EmanNormalizer(), sgd, LocalBackends.pytorchCpu("test"), 11)) {
            List<String> names = new ArrayList<>();
            for (var p : st.student().getParameters()) {
                if (p.getKey().endsWith("runningMean")) {
                    names.add(p.getKey());
                }
            }
            List<double[]> expected = new ArrayList<>();
            for (String n : names) {
                expected.add(doubles(param(st.student(), n).getArray()));
            }
            Random r = new Random(11);
            Loss ce = Loss.softmaxCrossEntropyLoss();
            double scale = 0;
            for (int step = 0; step < 300; step++) {
                int[] rows = new int[32];
                float[] y = new float[32];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = r.nextInt(digits.size());
                    y[i] = digits.label(rows[i]);
                }
                try (NDManager m = st.manager().newSubManager()) {
                    NDArray xb = Datasets.rows(m, digits.features(), rows);
                    NDArray labels = m.create(y);
                    st.step(t -> ce.evaluate(new NDList(labels), t.forward(new NDList(xb))));
                }
                st.follow(M);
                for (int k = 0; k < names.size(); k++) {
                    double[] s = doubles(param(st.student(), names.get(k)).getArray());
                    double[] e = expected.get(k);
                    for (int i = 0; i < e.length; i++) {
                        e[i] = M * e[i] + (1 - M) * s[i];
                        scale = Math.max(scale, Math.abs(e[i]));
                    }
                }
            }
            double err = 0;
            for (int k = 0; k < names.size(); k++) {
                double[] t = doubles(param(st.teacher(), names.get(k)).getArray());
                for (int i = 0; i < t.length; i++) {
                    err = Math.max(err, Math.abs(t[i] - expected.get(k)[i]));
                }
            }
            for (var p : st.teacher().getParameters()) {
                if (p.getKey().endsWith(CountingBatchNorm.COUNTER)) {
                    assertEquals(300f, p.getValue().getArray().getFloat(0), "counter " + p.getKey() + " copied");
                }
            }
            return new double[] {err, scale};
        }
    }

    static Parameter param(Block b, String name) {
        for (var p : b.getParameters()) {
            if (p.getKey().equals(name)) {
                return p.getValue();
            }
        }
        throw new AssertionError("no parameter " + name);
    }

    @Test
    void onDigitsTheRunningMeansAreTheClosedFormEmaToOneMillionth() throws IOException {
        double[] r = digitsClosedForm();
        System.out.printf("digits MLP, 300 updates, both batch norms: teacher running mean vs closed-form EMA: max error"
                + " %.3g (largest |mean| %.3g)%n", r[0], r[1]);
        assertTrue(r[0] <= 1e-6, "teacher running means differ from the closed-form EMA by " + r[0]);
    }

    /** Teacher outputs for samples 0..7 of the test set, batched with the given companions. */
    static float[] probe(EmaNormalizer n, Block teacher, int companionsFrom, int companions) {
        int[] rows = new int[8 + companions];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i < 8 ? i : companionsFrom + i - 8;
        }
        try (NDManager m = eman.manager().newSubManager()) {
            NDArray out = n.teacherForward(teacher, new ai.djl.training.ParameterStore(m, false),
                    new NDList(Datasets.rows(m, test.features(), rows))).singletonOrThrow();
            return out.get("0:8").toFloatArray();
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Test
    void emanTeacherIsBatchIndependentAndBnTeacherIsNot() {
        EmaNormalizer e = (EmaNormalizer) eman.normalizer();
        double emanDiff = maxAbsDiff(probe(e, eman.teacher(), 100, 24), probe(e, eman.teacher(), 500, 24));
        double bnDiff = maxAbsDiff(probe(bn, bnTeacher, 100, 24), probe(bn, bnTeacher, 500, 24));
        System.out.printf("batch dependence of the teacher's output: eman %.3g, bn %.3g%n", emanDiff, bnDiff);
        assertTrue(emanDiff <= 1e-6, "EMAN teacher depends on its batch companions: " + emanDiff);
        assertTrue(bnDiff > 1e-3, "BN teacher does not depend on its batch companions: " + bnDiff);
    }

    @Test
    void runningMeanIsTheClosedFormEmaOfTheStudentsAndCountersAreCopied() {
        int k = studentMeans.size() - 1;
        double[] expected = studentMeans.get(0).clone();
        for (int j = 1; j <= k; j++) {
            double[] s = studentMeans.get(j);
            for (int i = 0; i < expected.length; i++) {
                expected[i] = M * expected[i] + (1 - M) * s[i];
            }
        }
        double[] actual = doubles(firstRunning(eman.teacher(), "runningMean").getArray());
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        System.out.printf("teacher running mean after %d updates vs closed-form EMA: max error %.3g (largest |mean| %.3g)%n",
                k, err, scale);
        assertTrue(k >= 100, "too few steps for the check: " + k);
        // the teacher is float32: every update rounds to half an ulp of the value (1.2e-7 near 2), and the
        // EMA carries each rounding on for about 1/(1-m) steps, so the bound is 1e-6 relative to the
        // values' size (absolute below 1); the closed form is computed in double
        assertTrue(err <= 1e-6 * Math.max(1, scale), "teacher running mean differs from the closed-form EMA by " + err
                + " (largest |mean| " + scale + ")");
        assertEquals((float) k, studentCounters.get(k), "the student counted its batches");
        assertEquals(studentCounters.get(k),
                firstRunning(eman.teacher(), CountingBatchNorm.COUNTER).getArray().getFloat(0), "counter copied");
        // the conventional teacher keeps its own statistics: untouched by updates and by its forward passes
        assertEquals(0.0, maxAbsDiff(toFloats(bnTeacherMeanAtStart),
                toFloats(doubles(firstRunning(bnTeacher, "runningMean").getArray()))));
    }

    static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    static double accuracy(EmaNormalizer n, Block teacher, int batch) {
        int ok = 0;
        for (int s = 0; s < test.size(); s += batch) {
            int[] rows = new int[Math.min(batch, test.size() - s)];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = s + i;
            }
            try (NDManager m = eman.manager().newSubManager()) {
                int[] p = n.teacherForward(teacher, new ai.djl.training.ParameterStore(m, false),
                        new NDList(Datasets.rows(m, test.features(), rows))).singletonOrThrow().argMax(1)
                        .toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
                ok += test.correct(rows, p);
            }
        }
        return (double) ok / test.size();
    }

    @Test
    void emanTeacherBeatsBnTeacherBy10PointsInSmallBatches() {
        EmaNormalizer e = (EmaNormalizer) eman.normalizer();
        for (int batch : new int[] {2, 4}) {
            double a = accuracy(e, eman.teacher(), batch);
            double b = accuracy(bn, bnTeacher, batch);
            System.out.printf("teacher test accuracy in batches of %d: eman %.3f, bn %.3f%n", batch, a, b);
            assertTrue(a >= b + 0.10, "batch " + batch + ": eman " + a + " is not 10 points above bn " + b);
        }
        double big = accuracy(e, eman.teacher(), 250);
        double bigBn = accuracy(bn, bnTeacher, 250);
        System.out.printf("teacher test accuracy in batches of 250: eman %.3f, bn %.3f%n", big, bigBn);
        assertTrue(big > 0.70, "the EMAN teacher learned little: " + big);
    }

    @Test
    void mismatchedBlocksAndBadMomentumAreRefusedAndChangeNothing() {
        Block other = Networks.smallCnn(10, Networks.Nonlinearity.RELU, false);
        other.initialize(eman.manager(), ai.djl.ndarray.types.DataType.FLOAT32, INPUT);
        double[] before = doubles(firstRunning(eman.teacher(), "runningMean").getArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> eman.normalizer().update(other, eman.teacher(), 0.9));
        assertTrue(e.getMessage().contains("parameters"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> eman.normalizer().update(eman.student(), eman.teacher(), 1.5));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> eman.normalizer().update(eman.student(), eman.student(), 0.9));
        assertTrue(e.getMessage().contains("same"), e.getMessage());
        assertEquals(0.0, maxAbsDiff(toFloats(before), toFloats(doubles(firstRunning(eman.teacher(), "runningMean").getArray()))));
    }
}
