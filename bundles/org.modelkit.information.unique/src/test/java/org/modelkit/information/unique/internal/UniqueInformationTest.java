package org.modelkit.information.unique.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.information.InformationSettings;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.api.linearizer.LinearizedBatch;
import org.modelkit.compute.api.linearizer.LinearizedModel;
import org.modelkit.compute.api.linearizer.Projection;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.LabelledFiles;
import org.modelkit.linearizer.lqf.internal.LqfLinearizer;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.Networks;

/**
 * The notes' setting: sklearn digits 4 vs 9, n = 80 training and 100 validation samples, the MLP 64-256-1
 * (ReLU) from its seeded initial weights (testdata/models/digits-mlp256-init, d = 16,897), full-batch GD at
 * lr 0.01 for t = 600 steps. Against things the estimate shares nothing with: the linearized network trained
 * step by step through the Linearizer (exact agreement expected), EJML's inverse of each reduced Θ_λ, the
 * authors' route (matrix power and Woodbury), and the real network retrained without each sample (the
 * paper's claim: Pearson ≥ 0.9).
 */
class UniqueInformationTest {
    static TensorBackend backend;
    static NDManager manager;
    static LabelledSet train;
    static Tensor validation;
    static Path model;
    static final InformationSettings EXACT = new InformationSettings(0.01, 600, 0, 1, 1, 0, 1);

    static Path testdata(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p.resolve("testdata").resolve(relative);
    }

    @BeforeAll
    static void load() throws Exception {
        backend = LocalBackends.pytorchCpu("test");
        manager = backend.newManager();
        train = Selection.classes(LabelledFiles.read(testdata("information/digits49-train.csv")), new int[] {4, 9}, "training");
        validation = Selection.classes(LabelledFiles.read(testdata("information/digits49-validation.csv")), new int[] {4, 9},
                "validation").features();
        model = testdata("models/digits-mlp256-init");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static Informativeness.Result estimate(LabelledSet set, InformationSettings s) {
        return Informativeness.estimate(model, set, validation, s, 3000, new LqfLinearizer(), manager, Progress.NONE);
    }

    @Test
    void theSettingIsTheNotes() {
        assertEquals(80, train.size());
        assertEquals(100, validation.dim(0));
        Informativeness.Result r = estimate(train, EXACT);
        System.out.printf(Locale.ROOT, "n %d, k %d, d %d; λ(Θ) in [%.4g, %.4g], lr·λ_max/n = %.3f (stable below 2), %.2f s%n",
                r.samples(), r.outputs(), r.parameters(), r.solution().minEigen(), r.solution().maxEigen(),
                r.rate(EXACT), r.seconds());
        assertEquals(16897, r.parameters(), "d: 64·256 + 256 + 256 + 1");
        assertEquals(16897, r.columns());
        assertTrue(r.rate(EXACT) > 0.1 && r.rate(EXACT) < 1, "lr 0.01 is stable with room (the notes: stability needs lr < 0.025)");
    }

    /**
     * The linearized network trained for real: t steps of w ← w − lr·(Jᵀ(f_lin − y)/n + λ′(w − w0)) through
     * the Linearizer, with every sample and without one. Without one, λ = nλ′ of the sum loss stays as the
     * authors' code keeps it: on the mean over n − 1 samples that is a decay of λ′·n/(n − 1).
     *
     * @return f_val after t steps, m × k
     */
    static double[] simulate(LabelledSet set, int without, InformationSettings s) {
        try (NDManager m = manager.newSubManager()) {
            ModelFiles.Loaded start = Informativeness.load(model, m);
            LinearizedModel lin = new LqfLinearizer().linearize(Networks.float64(start, m), name -> true, m);
            int[] rows = java.util.stream.IntStream.range(0, set.size()).filter(i -> i != without).toArray();
            double decay = s.weightDecay() * set.size() / rows.length;
            NDArray x = Datasets.rows(m, set.features(), rows).toType(DataType.FLOAT64, false);
            double[] yAll = Informativeness.targets(set, 1);
            double[] y = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                y[i] = yAll[rows[i]];
            }
            NDArray target = m.create(y, new Shape(rows.length, 1));
            NDArray xv = Datasets.rows(m, validation, Sampling.range(validation.dim(0))).toType(DataType.FLOAT64, false);
            NDList w0 = lin.weights0();
            NDList w = new NDList();
            for (NDArray a : w0) {
                NDArray c = a.duplicate();
                c.attach(m);
                w.add(c);
            }
            try (LinearizedBatch b = lin.at(x)) {
                for (int t = 0; t < s.steps(); t++) {
                    try (NDManager st = m.newSubManager()) {
                        NDArray f = b.forward(w);
                        f.attach(st);
                        NDList g = b.vjp(f.sub(target).div(rows.length));
                        g.attach(st);
                        NDList next = new NDList();
                        for (int i = 0; i < w.size(); i++) {
                            NDArray wi = w.get(i).duplicate();
                            wi.attach(st);
                            NDArray step = g.get(i).add(wi.sub(w0.get(i)).mul(decay));
                            NDArray nw = wi.sub(step.mul(s.learningRate()));
                            nw.attach(m);
                            next.add(nw);
                        }
                        w.close();
                        w = next;
                    }
                }
            }
            try (LinearizedBatch bv = lin.at(xv)) {
                NDArray f = bv.forward(w);
                return f.toDoubleArray();
            }
        }
    }

    static double relative(double[] a, double[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            norm = Math.max(norm, Math.abs(b[i]));
        }
        return diff / norm;
    }

    @Test
    void theClosedFormIsTheLinearizedNetworkTrainedStepByStep() {
        for (double decay : new double[] {0, 0.01}) {
            InformationSettings s = new InformationSettings(0.01, 600, decay, 1, 1, 0, 1);
            Informativeness.Result r = estimate(train, s);
            double[] fval = simulate(train, -1, s);
            double err = relative(r.validation(), fval);
            int top = r.information().mostInformative(1)[0];
            double[] without = simulate(train, top, s);
            double fsi = 0;
            for (int j = 0; j < fval.length; j++) {
                fsi += (fval[j] - without[j]) * (fval[j] - without[j]);
            }
            fsi /= 2.0 * fval.length;
            double predicted = r.information().function()[top];
            System.out.printf(Locale.ROOT, "λ′ %s: f_val vs 600 linearized steps %.2e relative; F-SI of sample %d %.6g,"
                    + " stepped %.6g (%.2e)%n", decay, err, top, predicted, fsi, Math.abs(predicted - fsi) / fsi);
            assertTrue(err < 1e-6, "f_val " + err);
            assertEquals(fsi, predicted, 1e-6 * fsi, "F-SI of the most informative sample, λ′ = " + decay);
        }
    }

    @Test
    void theWoodburyDowndateIsTheInverseOfTheReducedMatrix() {
        // Θ_λ of the setting (k = 1) and a random positive definite one with k = 3
        double[] theta;
        try (NDManager m = manager.newSubManager()) {
            ModelFiles.Loaded start = Informativeness.load(model, m);
            LinearizedModel lin = new LqfLinearizer().linearize(Networks.float64(start, m), name -> true, m);
            NDArray j = lin.jacobian(Datasets.rows(m, train.features(), Sampling.range(80)).toType(DataType.FLOAT64, false),
                    Projection.NONE);
            theta = j.matMul(j.transpose()).toDoubleArray();
        }
        Random rnd = new Random(3);
        int size3 = 30;
        DMatrixRMaj g = new DMatrixRMaj(size3, 12);
        for (int i = 0; i < g.data.length; i++) {
            g.data[i] = rnd.nextGaussian();
        }
        DMatrixRMaj spd = new DMatrixRMaj(size3, size3);
        CommonOps_DDRM.multTransB(g, g, spd);
        for (Object[] c : new Object[][] {{theta, 80, 1, 0.8}, {spd.data, size3, 3, 0.05}}) {
            int size = (int) c[1];
            int k = (int) c[2];
            DMatrixRMaj thl = new DMatrixRMaj(size, size, true, ((double[]) c[0]).clone());
            for (int i = 0; i < size; i++) {
                thl.add(i, i, (double) c[3]);
            }
            DMatrixRMaj inv = LeaveOneOut.inverse(thl);
            double worst = 0;
            for (int i : new int[] {0, size / k / 2, size / k - 1}) {
                int[] keep = java.util.stream.IntStream.range(0, size).filter(r -> r / k != i).toArray();
                DMatrixRMaj reduced = new DMatrixRMaj(keep.length, keep.length);
                for (int a = 0; a < keep.length; a++) {
                    for (int b = 0; b < keep.length; b++) {
                        reduced.set(a, b, thl.get(keep[a], keep[b]));
                    }
                }
                DMatrixRMaj direct = new DMatrixRMaj(keep.length, keep.length);
                assertTrue(CommonOps_DDRM.invert(reduced, direct));
                double scale = CommonOps_DDRM.elementMaxAbs(direct);
                for (int b = 0; b < keep.length; b++) {
                    double[] e = new double[size];
                    e[keep[b]] = 1;
                    double[] col = LeaveOneOut.woodburySolve(thl, inv, i, k, e);
                    for (int a = 0; a < keep.length; a++) {
                        worst = Math.max(worst, Math.abs(col[keep[a]] - direct.get(a, b)) / scale);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "Woodbury downdate vs EJML's inverse of the reduced Θ_λ (N %d, k %d): %.2e%n", size, k,
                    worst);
            assertTrue(worst < 1e-9, "Woodbury " + worst);
        }
        // the batched series against the authors' route (matrix power by squaring, then Woodbury), k = 1 and 3
        for (Object[] c : new Object[][] {{theta, 80, 1, 0.01, 0.01}, {spd.data, size3, 3, 0.05, 0.005}}) {
            int size = (int) c[1];
            int k = (int) c[2];
            double[] th = (double[]) c[0];
            LeaveOneOut.Setting s = new LeaveOneOut.Setting(size / k, k, (double) c[3], 600, (double) c[4]);
            double[] r0 = new double[size];
            for (int i = 0; i < size; i++) {
                r0[i] = rnd.nextGaussian();
            }
            double[] eig = LeaveOneOut.extremeEigenvalues(th, size, s.lambda());
            LeaveOneOut.check(s, eig);
            LeaveOneOut.Solution sol = LeaveOneOut.solve(th, r0, s, eig, manager, Progress.NONE);
            int n = size / k;
            double worst = 0;
            for (int i : new int[] {0, n / 2, n - 1}) {
                double[] ref = LeaveOneOut.byMatrixPower(th, r0, s, i);
                double[] mine = new double[size];
                for (int row = 0; row < size; row++) {
                    mine[row] = sol.without()[row * n + i];
                }
                worst = Math.max(worst, relative(mine, ref));
            }
            // t = ∞ (converged) against EJML's solve of the reduced system
            LeaveOneOut.Setting inf = new LeaveOneOut.Setting(n, k, s.lr(), 0, s.decay());
            LeaveOneOut.Solution conv = LeaveOneOut.solve(th, r0, inf, eig, manager, Progress.NONE);
            double worstInf = 0;
            for (int i : new int[] {0, n - 1}) {
                int[] keep = java.util.stream.IntStream.range(0, size).filter(r -> r / k != i).toArray();
                DMatrixRMaj a = new DMatrixRMaj(keep.length, keep.length);
                DMatrixRMaj b = new DMatrixRMaj(keep.length, 1);
                for (int p = 0; p < keep.length; p++) {
                    b.set(p, 0, -r0[keep[p]]);
                    for (int q = 0; q < keep.length; q++) {
                        a.set(p, q, th[keep[p] * size + keep[q]] + (p == q ? s.lambda() : 0));
                    }
                }
                DMatrixRMaj x = new DMatrixRMaj(keep.length, 1);
                assertTrue(CommonOps_DDRM.solve(a, b, x));
                double[] ref = new double[size];
                double[] mine = new double[size];
                for (int p = 0; p < keep.length; p++) {
                    ref[keep[p]] = x.get(p, 0);
                    mine[keep[p]] = conv.without()[keep[p] * n + i];
                }
                worstInf = Math.max(worstInf, relative(mine, ref));
            }
            System.out.printf(Locale.ROOT, "k %d: batched series vs matrix power + Woodbury %.2e; t = ∞ vs direct solve %.2e%n", k,
                    worst, worstInf);
            assertTrue(worst < 1e-9, "series " + worst);
            assertTrue(worstInf < 1e-9, "t = ∞ " + worstInf);
        }
    }

    @Test
    void theEstimateAgreesWithRetrainingTheNetwork() {
        Informativeness.Result r = estimate(train, EXACT);
        Retraining.Truth truth;
        try (NDManager m = manager.newSubManager()) {
            truth = Retraining.leaveOneOut(Informativeness.load(model, m), train, validation, EXACT, m, Progress.NONE);
        }
        double[] f = r.information().function();
        double[] w = r.information().weights();
        double pf = Agreement.pearson(f, truth.function());
        double sf = Agreement.spearman(f, truth.function());
        double pw = Agreement.pearson(w, truth.weights());
        double sw = Agreement.spearman(w, truth.weights());
        System.out.printf(Locale.ROOT, "against %d retrainings (%.1f s): F-SI Pearson %.3f Spearman %.3f (the notes: 0.980,"
                + " 0.981); weight SI Pearson %.3f Spearman %.3f; estimate %.2f s%n", train.size() + 1, truth.seconds(), pf, sf,
                pw, sw, r.seconds());
        System.out.println("F-SI estimated, top 5: " + Arrays.toString(Arrays.copyOf(r.information().mostInformative(5), 5))
                + ", max " + Arrays.stream(f).max().getAsDouble() + ", median " + median(f));
        assertTrue(pf >= 0.9, "Pearson " + pf);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    @Test
    void flippedLabelsAreTheMostInformative() {
        Selection.Flipped noisy = Selection.flip(train, 0.1, 2, 7);
        Informativeness.Result r = estimate(noisy.set(), EXACT);
        double auc = Agreement.auc(r.information().function(), noisy.flipped());
        double aucW = Agreement.auc(r.information().weights(), noisy.flipped());
        System.out.printf(Locale.ROOT, "10%% flipped (8 of 80): AUC of F-SI %.3f (the notes: 0.983), of weight SI %.3f%n", auc,
                aucW);
        assertTrue(auc >= 0.9, "AUC " + auc);
    }

    @Test
    void weightChangesByAPassOverTheDataEqualTheGramForm() {
        InformationSettings s = new InformationSettings(0.01, 100, 0.01, 1, 1, 0, 1);
        double[] gram = estimate(train, s).information().weights();
        double[] pass = Informativeness.estimate(model, train, validation, s, 3000, new LqfLinearizer(), manager, Progress.NONE,
                true).information().weights();
        System.out.printf(Locale.ROOT, "weight SI: vector-Jacobian pass vs βᵀΘβ %.2e relative%n", relative(pass, gram));
        assertTrue(relative(pass, gram) < 1e-9);
        double[] sorted = gram.clone();
        Arrays.sort(sorted);
        assertTrue(sorted[0] > 0 && sorted[79] > 5 * sorted[40], "weight SI varies across samples: " + sorted[0] + " .. "
                + sorted[40] + " .. " + sorted[79]);
    }

    @Test
    void badInputIsRefusedNamingTheInput() {
        LabelledSet raw = new LabelledSet(train.features(), Arrays.stream(train.labels()).map(y -> y == 1 ? 9 : 4).toArray(),
                java.util.stream.IntStream.range(0, 10).mapToObj(Integer::toString).toList());
        assertMessage("label 4 of training sample 0 does not fit the model's 1 output", () -> estimate(raw, EXACT));
        Tensor flat = Tensor.of(new float[100 * 64], 100, 64);
        assertMessage("validation samples of shape [64] differ from the training samples' [8, 8]",
                () -> Informativeness.estimate(model, train, flat, EXACT, 3000, new LqfLinearizer(), manager, Progress.NONE));
        float[] x = train.features().toArray();
        x[5 * 64 + 3] = Float.NaN;
        // a NaN feature never reaches the estimator: the data types refuse it (the files' readers too)
        assertMessage("data[323] is NaN", () -> Tensor.of(x, 80, 8, 8));
        assertMessage("80 samples x 1 outputs = 80 rows exceed maxRows 50", () -> Informativeness.estimate(model, train,
                validation, EXACT, 50, new LqfLinearizer(), manager, Progress.NONE));
        assertMessage("diverges", () -> estimate(train, new InformationSettings(0.5, 600, 0, 1, 1, 0, 1)));
        assertMessage("at least 2", () -> estimate(train.select(new int[] {3}), EXACT));
        assertMessage("steps = -1 must be at least 0", () -> new InformationSettings(0.01, -1, 0, 1, 1, 0, 1));
    }

    static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
