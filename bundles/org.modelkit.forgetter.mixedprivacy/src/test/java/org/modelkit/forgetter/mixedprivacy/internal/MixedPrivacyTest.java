package org.modelkit.forgetter.mixedprivacy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.LabelledFiles;
import org.modelkit.linearizer.lqf.internal.LqfLinearizer;
import org.modelkit.nn.ModelFiles;

/**
 * The method's exact mathematics on the committed digits fixtures (core MLP 64-64-64-10 trained on 300
 * samples, 400 user samples, 1,097 test samples; the last 2 layers linearized, P_u = 4,810), against an
 * oracle that shares nothing with the forgetting path: the mixed-linear model's Jacobian written out by
 * hand for the MLP's last two layers, in Java doubles, and the retrained optimum w_r* from it by a
 * direct solve (EJML Cholesky of the dual system, 3,600 unknowns against 4,810 primal ones).
 */
class MixedPrivacyTest {
    static TensorBackend backend;
    static NDManager manager;
    static MixedLinear ml;
    static MixedLinear.Data user;
    static LabelledSet users;
    static LabelledSet test;
    static NDArray wu;
    static final MixedSettings S = MixedSettings.DEFAULTS;
    static int[] random40;
    static int[] class3;

    static Path testdata(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p.resolve("testdata").resolve(relative);
    }

    @BeforeAll
    static void fit() throws Exception {
        backend = LocalBackends.pytorchCpu("test");
        manager = backend.newManager();
        ml = MixedLinear.load(testdata("models/digits-mlp-core"), new LqfLinearizer(), manager, 2);
        users = LabelledFiles.read(testdata("forget/user.csv"));
        test = LabelledFiles.read(testdata("forget/test.csv"));
        user = ml.bind(users, S.alpha());
        wu = MixedPrivacy.fitUser(ml, user, S, Progress.NONE).weights();
        int[] p = Sampling.permutation(users.size(), new Random(10));
        random40 = Arrays.copyOf(p, 40);
        class3 = IntStream.range(0, users.size()).filter(i -> users.label(i) == 3).toArray();
    }

    @AfterAll
    static void close() {
        user.close();
        ml.close();
        manager.close();
    }

    static int[] without(int[] forget) {
        boolean[] drop = new boolean[users.size()];
        for (int i : forget) {
            drop[i] = true;
        }
        return IntStream.range(0, users.size()).filter(i -> !drop[i]).toArray();
    }

    static double[] values(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    static double norm(double[] a) {
        return distance(a, new double[a.length]);
    }

    @Test
    void theParametersAreTheLastTwoLayers() {
        assertEquals(4810, ml.size(), "P_u: 64·64 + 64 + 64·10 + 10");
    }

    @Test
    void aSetBoundInChunksKeptOrNotGivesTheSameProductsAndAMiniBatchGradientTheMaskedOne() {
        int[] rows = Arrays.copyOf(random40, 32);
        try (NDManager m = manager.newSubManager(); MixedLinear.Data chunked = ml.bind(users, S.alpha(), 97, true);
                MixedLinear.Data streamed = ml.bind(users, S.alpha(), 130, false)) {
            NDArray w = wu.duplicate();
            w.attach(m);
            NDArray mask = user.mask(Sampling.range(users.size()));
            mask.attach(m);
            double[] h1 = values(user.hvp(w, mask, users.size(), S.lambda()));
            double[] h2 = values(chunked.hvp(w, mask, users.size(), S.lambda()));
            assertTrue(norm(h1) > 1, "H w is not zero");
            assertTrue(distance(h1, h2) <= 1e-12 * norm(h1), "5 chunks of 97 rows and 1 chunk: |Δ(H w)| = "
                    + distance(h1, h2) + " of " + norm(h1));
            double[] h3 = values(streamed.hvp(w, mask, users.size(), S.lambda()));
            assertTrue(distance(h1, h3) <= 1e-12 * norm(h1), "4 chunks of 130 rows, each passed anew per product,"
                    + " and 1 kept chunk: |Δ(H w)| = " + distance(h1, h3) + " of " + norm(h1));
            assertTrue(Arrays.equals(user.predict(w), streamed.predict(w)), "the same predictions");
            NDArray sub = user.mask(rows);
            sub.attach(m);
            double[] masked = values(user.gradient(w, sub, rows.length, S.lambda()));
            double[] own = values(chunked.gradient(w, rows, S.lambda()));
            assertTrue(distance(masked, own) <= 1e-12 * norm(masked), "a mini-batch's gradient from its own pass and"
                    + " as a masked product over the set: |Δ| = " + distance(masked, own) + " of " + norm(masked));
        }
    }

    @Test
    void theNewtonStepLandsOnTheRetrainedOptimumFromUnconvergedWeights() {
        Oracle o = new Oracle();
        double[] w = values(wu);
        double[] wAll = o.optimum(IntStream.range(0, users.size()).toArray());
        double gap = distance(w, wAll) / norm(wAll);
        System.out.printf(Locale.ROOT, "w_u after 30 epochs of SGD: %.3f of the way off its optimum (relative)%n", gap);
        assertTrue(gap > 0.01, "w_u is deliberately unconverged: " + gap);
        for (int[] forget : List.of(random40, class3)) {
            int[] keep = without(forget);
            double[] wr = o.optimum(keep);
            MixedSettings cg = S.withSolve(1e-10, 5000, true);
            for (MixedSettings solve : List.of(cg, S.withDirect())) {
                long t0 = System.nanoTime();
                MixedPrivacy.Step step = MixedPrivacy.forget(ml, user, wu, keep, solve, Progress.NONE);
                double[] wt = values(step.weights());
                double err = distance(wt, wr) / norm(wr);
                System.out.printf(Locale.ROOT, "forget %d, %s: %d iterations, residual %.2e, ‖w̃ − w_r*‖/‖w_r*‖ = %.2e,"
                        + " bound %.3g nats at σ = %s, %.1f s%n", forget.length, solve.direct() ? "direct (Cholesky)"
                        : "CG + K-FAC", step.iterations(), step.residual(), err, step.boundNats(), S.sigma(),
                        (System.nanoTime() - t0) / 1e9);
                if (!solve.direct()) {
                    assertTrue(step.residual() <= 1e-10, "CG converged: " + step.residual());
                }
                assertTrue(err <= 1e-6, "the Newton step is the retrained optimum: " + err);
                step.weights().close();
            }
        }
    }

    @Test
    void forgottenSamplesAreReadOutAsIfNeverTrainedOn() {
        Oracle o = new Oracle();
        for (int[] forget : List.of(random40, class3)) {
            int[] keep = without(forget);
            MixedPrivacy.Step step = MixedPrivacy.forget(ml, user, wu, keep, S, Progress.NONE);
            NDArray published = MixedPrivacy.noisy(step.weights(), S.sigma(), 3L);
            NDArray retrained = ml.vector(o.optimum(keep));
            LabelledSet f = users.select(forget);
            int before = f.correct(IntStream.range(0, forget.length).toArray(), pick(user.predict(wu), forget));
            int after = f.correct(IntStream.range(0, forget.length).toArray(), pick(user.predict(published), forget));
            int retrain = f.correct(IntStream.range(0, forget.length).toArray(), pick(user.predict(retrained), forget));
            System.out.printf(Locale.ROOT, "forget %d: correct on D_f: original %d, forgotten (published, with noise) %d,"
                    + " retrained %d%n", forget.length, before, after, retrain);
            assertTrue(Math.abs(after - retrain) <= 1, "within one sample of retraining: " + after + " vs " + retrain);
            step.weights().close();
            published.close();
            retrained.close();
        }
        // the class removal is visible: the original model knew class 3, the forgotten one does not
        MixedPrivacy.Step step = MixedPrivacy.forget(ml, user, wu, without(class3), S, Progress.NONE);
        LabelledSet f = users.select(class3);
        double before = f.accuracy(pick(user.predict(wu), class3));
        double after = f.accuracy(pick(user.predict(step.weights()), class3));
        assertTrue(before > 0.9 && after < 0.1, "class 3: " + before + " before, " + after + " after");
        step.weights().close();
    }

    @Test
    void theBoundHoldsAfterAnyNumberOfIterationsAndTheObjectiveNeverRises() {
        Oracle o = new Oracle();
        int[] keep = without(random40);
        double[] wr = o.optimum(keep);
        for (int its : new int[] {1, 3, 10, 30}) {
            MixedPrivacy.Step step = MixedPrivacy.forget(ml, user, wu, keep, S.withSolve(1e-30, its, false), Progress.NONE);
            double gap = distance(values(step.weights()), wr);
            double bound = step.distanceBound(S.lambda());
            System.out.printf(Locale.ROOT, "CG stopped after %d: ‖w̃ − w_r*‖ = %.4g, bound ‖∇L_r(w̃)‖/λ = %.4g (%.0fx)%n",
                    its, gap, bound, bound / gap);
            assertEquals(its, step.iterations());
            assertTrue(bound >= gap, "strong convexity: " + bound + " >= " + gap);
            double[] q = step.objective();
            for (int i = 1; i < q.length; i++) {
                assertTrue(q[i] <= q[i - 1] + 1e-12 * Math.abs(q[i - 1]), "the CG objective rose at " + i + ": "
                        + Arrays.toString(q));
            }
            step.weights().close();
        }
    }

    @Test
    void forgettingTwiceEqualsForgettingOnce() {
        int[] first = Arrays.copyOf(random40, 20);
        // conjugate gradients, whose result depends on where they start (the direct solve would not)
        MixedSettings cg = S.withSolve(1e-10, 5000, true);
        MixedPrivacy.Step a = MixedPrivacy.forget(ml, user, wu, without(first), cg, Progress.NONE);
        NDArray noisy = MixedPrivacy.noisy(a.weights(), S.sigma(), 5L); // the second request starts from published weights
        MixedPrivacy.Step b = MixedPrivacy.forget(ml, user, noisy, without(random40), cg, Progress.NONE);
        MixedPrivacy.Step once = MixedPrivacy.forget(ml, user, wu, without(random40), cg, Progress.NONE);
        double[] once40 = values(once.weights());
        double d = distance(values(b.weights()), once40) / norm(once40);
        System.out.printf(Locale.ROOT, "20 then 20 vs 40 at once: relative difference %.2e%n", d);
        assertTrue(d <= 1e-6, "sequential = at once: " + d);
        assertTrue(distance(values(noisy), values(wu)) > 1, "the second request started elsewhere than the first");
        for (NDArray x : List.of(a.weights(), noisy, b.weights(), once.weights())) {
            x.close();
        }
    }

    @Test
    void theNoiseHasTheConfiguredSpreadAndTheSeedFixesIt() {
        NDArray a = MixedPrivacy.noisy(wu, 0.02, 11L);
        NDArray b = MixedPrivacy.noisy(wu, 0.02, 11L);
        NDArray c = MixedPrivacy.noisy(wu, 0.02, 12L);
        double[] dev = values(a.sub(wu));
        double mean = Arrays.stream(dev).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(dev).map(x -> (x - mean) * (x - mean)).sum() / (dev.length - 1));
        System.out.printf(Locale.ROOT, "noise: sample std %.5f for σ = 0.02 (%d weights)%n", sd, dev.length);
        assertTrue(Math.abs(sd - 0.02) <= 0.05 * 0.02, "std within 5% of σ: " + sd);
        assertTrue(Arrays.equals(values(a), values(b)), "the same seed gives the same weights");
        assertTrue(distance(values(a), values(c)) > 0, "another seed gives other weights");
        a.close();
        b.close();
        c.close();
    }

    @Test
    void userWeightsZeroAreTheCoreNetworkBitForBit() throws Exception {
        try (NDManager m = manager.newSubManager()) {
            ModelFiles.Loaded core = ModelFiles.load(testdata("models/digits-mlp-core"), m);
            Block own64 = org.modelkit.nn.Networks.float64(core, m);
            NDArray x = org.modelkit.nn.Datasets.rows(m, users.features(), Sampling.range(users.size()))
                    .toType(DataType.FLOAT64, false);
            double[] own = values(own64.forward(new ai.djl.training.ParameterStore(m, false), new ai.djl.ndarray.NDList(x),
                    false).singletonOrThrow());
            NDArray zero = ml.zeros();
            double[] mixed = values(user.scores(zero));
            assertTrue(Arrays.equals(own, mixed), "f(x; w_c) + J·0 is the core network's own output, bit for bit (max"
                    + " difference " + maxDiff(own, mixed) + ")");
            zero.close();
        }
    }

    static double maxDiff(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    static int[] pick(int[] all, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = all[rows[i]];
        }
        return out;
    }

    /**
     * The retrained optimum w_r* = argmin 1/(2N) Σ_R ‖f0 + J w − α e_y‖² + λ/2 ‖w‖², from a Jacobian
     * written out by hand: with h1 = σ(W1 x + b1) fixed, z2 = W2 h1 + b2, h2 = σ(z2) and f = W3 h2 + b3,
     * ∂f_c/∂W3[c,j] = h2_j, ∂f_c/∂b3[c] = 1, ∂f_c/∂W2[i,j] = W3[c,i] σ'(z2_i) h1_j, ∂f_c/∂b2[i] = W3[c,i]
     * σ'(z2_i). Dual solve: w* = Jᵀ (J Jᵀ + N λ I)⁻¹ (Y − f0), by Cholesky.
     */
    static final java.util.Map<String, double[]> OPTIMA = new java.util.concurrent.ConcurrentHashMap<>();

    static final class Oracle {
        final double[][] w1;
        final double[] b1;
        final double[][] w2;
        final double[] b2;
        final double[][] w3;
        final double[] b3;
        final int[] offsets = new int[5]; // W2, b2, W3, b3 in the flat vector's order

        Oracle() {
            try (NDManager m = manager.newSubManager()) {
                ModelFiles.Loaded core = ModelFiles.load(testdata("models/digits-mlp-core"), m);
                Block b = org.modelkit.nn.Networks.float64(core, m);
                List<double[]> p = new ArrayList<>();
                List<Shape> shapes = new ArrayList<>();
                for (Pair<String, Parameter> x : b.getParameters()) {
                    p.add(x.getValue().getArray().toDoubleArray());
                    shapes.add(x.getValue().getArray().getShape());
                }
                w1 = matrix(p.get(0), shapes.get(0));
                b1 = p.get(1);
                w2 = matrix(p.get(2), shapes.get(2));
                b2 = p.get(3);
                w3 = matrix(p.get(4), shapes.get(4));
                b3 = p.get(5);
                List<String> names = ml.parameterNames();
                assertEquals(4, names.size(), names.toString());
                // the flat vector follows parameterNames: [W2, b2, W3, b3] for this network
                offsets[0] = 0;
                offsets[1] = 64 * 64;
                offsets[2] = offsets[1] + 64;
                offsets[3] = offsets[2] + 10 * 64;
                offsets[4] = offsets[3] + 10;
                assertEquals(ml.size(), offsets[4]);
                assertTrue(names.get(0).endsWith("weight") && names.get(1).endsWith("bias") && names.get(2).endsWith("weight")
                        && names.get(3).endsWith("bias") && names.get(0).compareTo(names.get(2)) < 0, names.toString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        static double[][] matrix(double[] v, Shape s) {
            int r = (int) s.get(0);
            int c = (int) s.get(1);
            double[][] out = new double[r][c];
            for (int i = 0; i < r; i++) {
                System.arraycopy(v, i * c, out[i], 0, c);
            }
            return out;
        }

        static double act(double z) {
            return z > 0 ? z : 0.01 * z;
        }

        static double slope(double z) {
            return z > 0 ? 1 : 0.01;
        }

        /** Rows i·10 + c: the Jacobian rows of the samples, and f0 in the last column. */
        double[][] rows(int[] samples) {
            float[] x = users.features().toArray();
            double[][] out = new double[samples.length * 10][offsets[4] + 1];
            for (int s = 0; s < samples.length; s++) {
                int n = samples[s];
                double[] h1 = new double[64];
                for (int i = 0; i < 64; i++) {
                    double z = b1[i];
                    for (int j = 0; j < 64; j++) {
                        z += w1[i][j] * x[n * 64 + j];
                    }
                    h1[i] = act(z);
                }
                double[] z2 = new double[64];
                double[] h2 = new double[64];
                for (int i = 0; i < 64; i++) {
                    double z = b2[i];
                    for (int j = 0; j < 64; j++) {
                        z += w2[i][j] * h1[j];
                    }
                    z2[i] = z;
                    h2[i] = act(z);
                }
                for (int c = 0; c < 10; c++) {
                    double[] row = out[s * 10 + c];
                    double f = b3[c];
                    for (int i = 0; i < 64; i++) {
                        f += w3[c][i] * h2[i];
                        double g = w3[c][i] * slope(z2[i]);
                        for (int j = 0; j < 64; j++) {
                            row[offsets[0] + i * 64 + j] = g * h1[j];
                        }
                        row[offsets[1] + i] = g;
                        row[offsets[2] + c * 64 + i] = h2[i];
                    }
                    row[offsets[3] + c] = 1;
                    row[offsets[4]] = f;
                }
            }
            return out;
        }

        double[] optimum(int[] samples) {
            return OPTIMA.computeIfAbsent(Arrays.toString(samples), k -> solve(samples)).clone();
        }

        double[] solve(int[] samples) {
            double[][] rows = rows(samples);
            int r = rows.length;
            int p = offsets[4];
            double[] flat = new double[r * p];
            double[] resid = new double[r];
            for (int i = 0; i < r; i++) {
                System.arraycopy(rows[i], 0, flat, i * p, p);
                int label = users.label(samples[i / 10]);
                resid[i] = (i % 10 == label ? S.alpha() : 0) - rows[i][p];
            }
            // the Gram matrix J Jᵀ (6e10 flops) on the backend's GEMM; everything else in EJML
            double[] gram;
            try (NDManager m = manager.newSubManager()) {
                NDArray j = m.create(flat, new Shape(r, p));
                gram = j.matMul(j.transpose()).toDoubleArray();
            }
            DMatrixRMaj k = new DMatrixRMaj(r, r, true, gram);
            for (int i = 0; i < r; i++) {
                k.add(i, i, samples.length * S.lambda());
            }
            LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(r);
            assertTrue(chol.setA(k), "J Jᵀ + Nλ I is positive definite");
            DMatrixRMaj a = new DMatrixRMaj(r, 1);
            chol.solve(new DMatrixRMaj(r, 1, true, resid), a);
            double[] w = new double[p];
            for (int i = 0; i < r; i++) {
                double ai = a.get(i, 0);
                double[] row = rows[i];
                for (int q = 0; q < p; q++) {
                    w[q] += row[q] * ai;
                }
            }
            return w;
        }
    }
}
