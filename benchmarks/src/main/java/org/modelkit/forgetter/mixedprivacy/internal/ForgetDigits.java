package org.modelkit.forgetter.mixedprivacy.internal;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.LabelledFiles;
import org.modelkit.linearizer.lqf.internal.LqfLinearizer;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Training;

/**
 * What the tests do not assert, measured on the committed digits fixtures (benchmarks/forget/run digits):
 * the noise sweep that chooses σ, the weight gap closed after a fixed number of conjugate-gradient
 * iterations with and without K-FAC, the looseness of the bound, and the time of forgetting against
 * refitting the user weights and retraining the whole network. Prints markdown tables.
 */
public final class ForgetDigits {
    private ForgetDigits() {
    }

    public static void main(String[] args) throws Exception {
        Path testdata = Path.of("testdata");
        LabelledSet user = LabelledFiles.read(testdata.resolve("forget/user.csv"));
        LabelledSet test = LabelledFiles.read(testdata.resolve("forget/test.csv"));
        LabelledSet core = LabelledFiles.read(testdata.resolve("forget/core.csv"));
        MixedSettings s = MixedSettings.DEFAULTS;
        TensorBackend backend = LocalBackends.pytorchCpu("bench");
        try (NDManager m = backend.newManager();
                MixedLinear ml = MixedLinear.load(testdata.resolve("models/digits-mlp-core"), new LqfLinearizer(), m, 2);
                MixedLinear.Data d = ml.bind(user, s.alpha());
                MixedLinear.Data t = ml.bind(test, s.alpha())) {
            long t0 = System.nanoTime();
            NDArray w = MixedPrivacy.fitUser(ml, d, s, Progress.NONE).weights();
            double fitSeconds = (System.nanoTime() - t0) / 1e9;
            double clean = test.accuracy(t.predict(w));
            System.out.printf(Locale.ROOT, "## Noise (test accuracy of w_u + ε, 5 noise seeds; noise-free %.4f, core alone %.4f)%n%n",
                    clean, test.accuracy(t.predict(ml.zeros())));
            System.out.println("| σ | test accuracy (mean of 5) | min | max |");
            System.out.println("|---|---|---|---|");
            for (double sigma : new double[] {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1}) {
                double[] acc = new double[5];
                for (int k = 0; k < 5; k++) {
                    try (NDArray noisy = MixedPrivacy.noisy(w, sigma, 100L + k)) {
                        acc[k] = test.accuracy(t.predict(noisy));
                    }
                }
                System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f | %.4f |%n", sigma, Arrays.stream(acc).average().orElseThrow(),
                        Arrays.stream(acc).min().orElseThrow(), Arrays.stream(acc).max().orElseThrow());
            }

            int[] p = Sampling.permutation(user.size(), new Random(10));
            int[] random40 = Arrays.copyOf(p, 40);
            int[] class3 = IntStream.range(0, user.size()).filter(i -> user.label(i) == 3).toArray();
            System.out.println();
            System.out.println("## Conjugate gradients: gap closed and the bound, by iterations (σ = " + s.sigma() + ")");
            System.out.println();
            System.out.println("| request | preconditioner | iterations | ‖w̃ − w_r*‖ / ‖w − w_r*‖ | relative residual |"
                    + " bound ‖∇L_r(w̃)‖/λ over the true gap | KL bound, nats | seconds |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (int[] forget : new int[][] {random40, class3}) {
                String name = forget == class3 ? "class 3 (" + forget.length + ")" : "random 10% (" + forget.length + ")";
                int[] keep = without(user.size(), forget);
                MixedPrivacy.Step exact = MixedPrivacy.forget(ml, d, w, keep, s.withDirect(), Progress.NONE);
                double start = distance(w, exact.weights());
                for (boolean kfac : new boolean[] {false, true}) {
                    for (int its : new int[] {10, 30, 100, 400, 1000, 5000}) {
                        long t1 = System.nanoTime();
                        MixedPrivacy.Step step = MixedPrivacy.forget(ml, d, w, keep, s.withSolve(1e-10, its, kfac), Progress.NONE);
                        double sec = (System.nanoTime() - t1) / 1e9;
                        double gap = distance(step.weights(), exact.weights());
                        System.out.printf(Locale.ROOT, "| %s | %s | %d | %.3g | %.2e | %.0fx | %.3g | %.2f |%n", name,
                                kfac ? "K-FAC" : "none", step.iterations(), gap / start, step.residual(),
                                step.distanceBound(s.lambda()) / gap, step.boundNats(), sec);
                        step.weights().close();
                        if (step.iterations() < its) {
                            break;
                        }
                    }
                }
                exact.weights().close();
            }

            // time: forgetting (CG + K-FAC to 1e-10; direct) against refitting w_u on D_r and retraining everything
            int[] keep = without(user.size(), class3);
            long t2 = System.nanoTime();
            MixedPrivacy.Step cg = MixedPrivacy.forget(ml, d, w, keep, s.withSolve(1e-10, 5000, true), Progress.NONE);
            double cgSeconds = (System.nanoTime() - t2) / 1e9;
            t2 = System.nanoTime();
            MixedPrivacy.Step direct = MixedPrivacy.forget(ml, d, w, keep, s.withDirect(), Progress.NONE);
            double directSeconds = (System.nanoTime() - t2) / 1e9;
            LabelledSet rest = user.select(keep);
            t2 = System.nanoTime();
            try (MixedLinear.Data dr = ml.bind(rest, s.alpha())) {
                MixedPrivacy.fitUser(ml, dr, s, Progress.NONE).weights().close();
            }
            double refitSeconds = (System.nanoTime() - t2) / 1e9;
            LabelledSet all = concat(core, rest);
            t2 = System.nanoTime();
            double retrained;
            try (Model model = Model.newInstance("retrain")) {
                ModelSpec spec = new ModelSpec("mlp", 10, "leaky_relu", false, new int[] {64, 64}, new int[] {8, 8});
                model.setBlock(spec.build());
                retrained = Training.train(model, all, test, new Training.Config(60, 32, Training.Method.SGD, 0.05, 0.9, 1e-4,
                        Training.Schedule.COSINE, 1), Progress.NONE).finalEvalAccuracy();
            }
            double retrainSeconds = (System.nanoTime() - t2) / 1e9;
            System.out.println();
            System.out.println("## Time, forgetting class 3 (one run)");
            System.out.println();
            System.out.println("| what | seconds | test accuracy |");
            System.out.println("|---|---|---|");
            System.out.printf(Locale.ROOT, "| fit w_u on D_u (30 epochs of SGD, at training) | %.2f | %.4f |%n", fitSeconds, clean);
            System.out.printf(Locale.ROOT, "| forget: Newton step by CG + K-FAC to 1e-10 (%d iterations) | %.2f | %.4f |%n",
                    cg.iterations(), cgSeconds, test.accuracy(t.predict(cg.weights())));
            System.out.printf(Locale.ROOT, "| forget: Newton step by direct solve (Jacobian + Cholesky) | %.2f | %.4f |%n",
                    directSeconds, test.accuracy(t.predict(direct.weights())));
            System.out.printf(Locale.ROOT, "| refit w_u on D_r from scratch (30 epochs of SGD, not converged) | %.2f | - |%n",
                    refitSeconds);
            System.out.printf(Locale.ROOT, "| retrain the whole network on D_c ∪ D_r (60 epochs, cross-entropy) | %.2f | %.4f |%n",
                    retrainSeconds, retrained);
        }
    }

    static int[] without(int n, int[] drop) {
        boolean[] out = new boolean[n];
        for (int i : drop) {
            out[i] = true;
        }
        return IntStream.range(0, n).filter(i -> !out[i]).toArray();
    }

    static double distance(NDArray a, NDArray b) {
        try (NDArray diff = a.sub(b)) {
            return Math.sqrt(ConjugateGradient.dot(diff, diff));
        }
    }

    static LabelledSet concat(LabelledSet a, LabelledSet b) {
        float[] x = Arrays.copyOf(a.features().toArray(), a.features().size() + b.features().size());
        System.arraycopy(b.features().toArray(), 0, x, a.features().size(), b.features().size());
        int[] y = Arrays.copyOf(a.labels(), a.size() + b.size());
        System.arraycopy(b.labels(), 0, y, a.size(), b.size());
        int[] shape = a.features().shape().clone();
        shape[0] = a.size() + b.size();
        return new LabelledSet(Tensor.of(x, shape), y, a.classNames());
    }
}
