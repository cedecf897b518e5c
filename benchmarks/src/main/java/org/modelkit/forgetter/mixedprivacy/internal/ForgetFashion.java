package org.modelkit.forgetter.mixedprivacy.internal;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.Idx;
import org.modelkit.linearizer.lqf.internal.LqfLinearizer;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Training;

/**
 * The Fashion-MNIST benchmark (benchmarks/forget/run fashion; data from scripts/fetch-data
 * fashion-mnist): the small Leaky-ReLU CNN trained with cross-entropy on 50,000 training images (the core,
 * a seeded split), user weights on its last two layers (P_u = 50,730) fitted on the other 10,000, test on
 * the 10,000 test images; forget a random 1%, a random 10% and class 7 of the user data. Per request:
 * accuracy on D_f, D_r and test for the original, the forgotten (w̃ + noise), the refitted (w_u from
 * scratch on D_r) and the retrained (the whole network on D_c ∪ D_r) models, the bound, the iterations,
 * and the three times. A solve to 1e-10 takes thousands of Hessian-vector products over 10,000 images
 * (seconds each), so the solve is capped (first argument, default 60 iterations) with K-FAC
 * preconditioning, and the bound reports what the cap leaves; everything runs in float32 (PyTorch's
 * float64 convolutions on the CPU cost several times more; the time of one product in each is printed).
 * Prints markdown.
 */
public final class ForgetFashion {
    private ForgetFashion() {
    }

    static final Training.Config CORE = new Training.Config(4, 128, Training.Method.SGD, 0.05, 0.9, 1e-4,
            Training.Schedule.COSINE, 1);
    static final ModelSpec SPEC = new ModelSpec("small-cnn", 10, "leaky_relu", false, new int[0], new int[] {1, 28, 28});

    public static void main(String[] args) throws Exception {
        int cap = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        Path data = Path.of("data/fashion-mnist");
        if (!Files.isRegularFile(data.resolve("train-images-idx3-ubyte.gz"))) {
            throw new IllegalStateException("no Fashion-MNIST in data/fashion-mnist: run scripts/fetch-data fashion-mnist");
        }
        LabelledSet train = Idx.readLabelled(data.resolve("train-images-idx3-ubyte.gz"),
                data.resolve("train-labels-idx1-ubyte.gz"), null);
        LabelledSet test = Idx.readLabelled(data.resolve("t10k-images-idx3-ubyte.gz"),
                data.resolve("t10k-labels-idx1-ubyte.gz"), null);
        int[] perm = Sampling.permutation(train.size(), new Random(1));
        LabelledSet core = train.select(Arrays.copyOf(perm, 50_000));
        LabelledSet user = train.select(Arrays.copyOfRange(perm, 50_000, 60_000));
        MixedSettings s = MixedSettings.DEFAULTS.withSolve(1e-10, cap, true);

        Path coreDir = Path.of("data/forget-fashion/core");
        long t0 = System.nanoTime();
        double coreAcc;
        boolean reused = Files.isRegularFile(coreDir.resolve(ModelFiles.PARAMETERS)); // training is seeded: the same network
        try (Model model = Model.newInstance("core")) {
            if (reused) {
                model.setBlock(ModelFiles.load(coreDir, model.getNDManager()).block());
                coreAcc = test.accuracy(Training.predict(model, test.features(), 500));
            } else {
                model.setBlock(SPEC.build());
                coreAcc = Training.train(model, core, test, CORE, Progress.NONE).finalEvalAccuracy();
                ModelFiles.save(coreDir, SPEC, model.getBlock());
            }
        }
        double coreSeconds = (System.nanoTime() - t0) / 1e9;
        String coreTime = reused ? "reused from an earlier run of this benchmark (data/forget-fashion/core; seeded, the same"
                + " network)" : String.format(Locale.ROOT, "%.0f s", coreSeconds);
        System.out.printf(Locale.ROOT, "Core CNN: 4 epochs of SGD on 50,000 images, %s, test accuracy %.4f. "
                + "CG capped at %d iterations, K-FAC preconditioned; σ = %s, λ = %s, α = %s.%n%n", coreTime, coreAcc, cap,
                s.sigma(), s.lambda(), s.alpha());

        TensorBackend backend = LocalBackends.pytorchCpu("bench");
        double[] hvpSeconds = new double[2];
        for (int k = 0; k < 2; k++) {
            DataType type = k == 0 ? DataType.FLOAT32 : DataType.FLOAT64;
            try (NDManager m = backend.newManager();
                    MixedLinear ml = MixedLinear.load(coreDir, new LqfLinearizer(), m, 2, type);
                    MixedLinear.Data d = ml.bind(user, s.alpha())) {
                NDArray mask = d.mask(Sampling.range(user.size()));
                NDArray v = MixedPrivacy.noisy(ml.zeros(), 1, 3L);
                d.hvp(v, mask, user.size(), s.lambda()).close();
                long h0 = System.nanoTime();
                d.hvp(v, mask, user.size(), s.lambda()).close();
                hvpSeconds[k] = (System.nanoTime() - h0) / 1e9;
            }
        }
        System.out.printf(Locale.ROOT, "One Hessian-vector product over the 10,000 user images: %.2f s in float32, %.2f s in"
                + " float64 (the benchmark runs in float32).%n%n", hvpSeconds[0], hvpSeconds[1]);
        System.out.flush();
        try (NDManager m = backend.newManager();
                MixedLinear ml = MixedLinear.load(coreDir, new LqfLinearizer(), m, 2, DataType.FLOAT32);
                MixedLinear.Data d = ml.bind(user, s.alpha());
                MixedLinear.Data t = ml.bind(test, s.alpha())) {
            long t1 = System.nanoTime();
            NDArray w = MixedPrivacy.fitUser(ml, d, s, Progress.NONE).weights();
            double fitSeconds = (System.nanoTime() - t1) / 1e9;
            double clean = test.accuracy(t.predict(w));
            System.out.printf(Locale.ROOT, "P_u = %d user weights, fitted in %.0f s (30 epochs of SGD): test accuracy %.4f"
                    + " (core alone %.4f).%n%n", ml.size(), fitSeconds, clean,
                    test.accuracy(t.predict(ml.zeros())));
            System.out.println("## Noise: test accuracy of w_u + ε (3 noise seeds)");
            System.out.println();
            System.out.println("| σ | mean | min | max |");
            System.out.println("|---|---|---|---|");
            for (double sigma : new double[] {0.001, 0.003, 0.01, 0.03, 0.1}) {
                double[] acc = new double[3];
                for (int k = 0; k < acc.length; k++) {
                    try (NDArray noisy = MixedPrivacy.noisy(w, sigma, 100L + k)) {
                        acc[k] = test.accuracy(t.predict(noisy));
                    }
                }
                System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f | %.4f |%n", sigma, Arrays.stream(acc).average().orElseThrow(),
                        Arrays.stream(acc).min().orElseThrow(), Arrays.stream(acc).max().orElseThrow());
            }
            System.out.flush();

            int[] p = Sampling.permutation(user.size(), new Random(10));
            int[][] requests = {Arrays.copyOf(p, 100), Arrays.copyOf(p, 1000),
                IntStream.range(0, user.size()).filter(i -> user.label(i) == 7).toArray()};
            String[] names = {"random 1%", "random 10%", "class 7"};
            int[] originalPred = d.predict(w);
            StringBuilder acc = new StringBuilder();
            StringBuilder time = new StringBuilder();
            for (int r = 0; r < requests.length; r++) {
                int[] forget = requests[r];
                int[] keep = ForgetDigits.without(user.size(), forget);
                String name = names[r] + " (" + forget.length + ")";
                long t2 = System.nanoTime();
                MixedPrivacy.Step step = MixedPrivacy.forget(ml, d, w, keep, s, Progress.NONE);
                NDArray published = MixedPrivacy.noisy(step.weights(), s.sigma(), 7L);
                double forgetSeconds = (System.nanoTime() - t2) / 1e9;
                int[] forgotPred = d.predict(published);
                double forgotTest = test.accuracy(t.predict(published));

                t2 = System.nanoTime();
                LabelledSet rest = user.select(keep);
                NDArray refit;
                try (MixedLinear.Data dr = ml.bind(rest, s.alpha())) {
                    refit = MixedPrivacy.fitUser(ml, dr, s, Progress.NONE).weights();
                }
                double refitSeconds = (System.nanoTime() - t2) / 1e9;
                int[] refitPred = d.predict(refit);
                double refitTest = test.accuracy(t.predict(refit));

                t2 = System.nanoTime();
                int[] retrainPred;
                double retrainTest;
                try (Model model = Model.newInstance("retrain")) {
                    model.setBlock(SPEC.build());
                    retrainTest = Training.train(model, ForgetDigits.concat(core, rest), test, CORE, Progress.NONE)
                            .finalEvalAccuracy();
                    retrainPred = Training.predict(model, user.features(), 500);
                }
                double retrainSeconds = (System.nanoTime() - t2) / 1e9;

                double origTest = test.accuracy(t.predict(w));
                acc.append(String.format(Locale.ROOT, "| %s | original | %.4f | %.4f | %.4f | | |%n", name,
                        accuracy(user, originalPred, forget), accuracy(user, originalPred, keep), origTest));
                acc.append(String.format(Locale.ROOT, "| | forgotten (w̃ + ε) | %.4f | %.4f | %.4f | %d, residual %.1e |"
                        + " %.3g |%n", accuracy(user, forgotPred, forget), accuracy(user, forgotPred, keep), forgotTest,
                        step.iterations(), step.residual(), step.boundNats()));
                acc.append(String.format(Locale.ROOT, "| | refitted w_u on D_r | %.4f | %.4f | %.4f | | |%n",
                        accuracy(user, refitPred, forget), accuracy(user, refitPred, keep), refitTest));
                acc.append(String.format(Locale.ROOT, "| | retrained network on D_c ∪ D_r | %.4f | %.4f | %.4f | | |%n",
                        accuracy(user, retrainPred, forget), accuracy(user, retrainPred, keep), retrainTest));
                time.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | 1 : %.2f : %.2f |%n", name, forgetSeconds,
                        refitSeconds, retrainSeconds, refitSeconds / forgetSeconds, retrainSeconds / forgetSeconds));
                System.err.println(acc);
                System.err.println(time);
                published.close();
                step.weights().close();
                refit.close();
            }
            System.out.println();
            System.out.println("## Forgetting: accuracy on the forgotten samples D_f, the rest D_r and the test set");
            System.out.println();
            System.out.println("| request | model | D_f | D_r | test | CG iterations | KL bound, nats |");
            System.out.println("|---|---|---|---|---|---|---|");
            System.out.print(acc);
            System.out.println();
            System.out.println("## Time (seconds, one run each)");
            System.out.println();
            System.out.println("| request | forget (capped CG + K-FAC) | refit w_u (30 epochs) | retrain the network (4 epochs) |"
                    + " forget : refit : retrain |");
            System.out.println("|---|---|---|---|---|");
            System.out.print(time);
            System.out.printf(Locale.ROOT, "%nFitting w_u at training time took %.0f s; training the core: %s.%n", fitSeconds,
                    coreTime);
        }
    }

    static double accuracy(LabelledSet set, int[] predicted, int[] rows) {
        int right = 0;
        for (int i : rows) {
            if (predicted[i] == set.label(i)) {
                right++;
            }
        }
        return rows.length == 0 ? Double.NaN : (double) right / rows.length;
    }
}
