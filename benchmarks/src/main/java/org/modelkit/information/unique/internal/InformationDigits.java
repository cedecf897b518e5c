package org.modelkit.information.unique.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.information.InformationSettings;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.LabelledFiles;
import org.modelkit.linearizer.lqf.internal.LqfLinearizer;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;

/**
 * What the tests only report, on the committed digits 4 vs 9 fixtures (n = 80, 100 validation inputs):
 * F-SI and weight SI against retraining the real network, with and without projection, with weight decay;
 * flipped labels at 5% and 10% over several seeds; and a small CNN from scratch, where the paper finds the
 * linearization fails. Prints Markdown.
 */
public final class InformationDigits {
    private InformationDigits() {
    }

    static TensorBackend backend;
    static LabelledSet train;
    static Tensor validation;

    public static void main(String[] args) throws Exception {
        backend = LocalBackends.pytorchCpu("bench");
        train = Selection.classes(LabelledFiles.read(Path.of("testdata/information/digits49-train.csv")), new int[] {4, 9},
                "training");
        validation = Selection.classes(LabelledFiles.read(Path.of("testdata/information/digits49-validation.csv")),
                new int[] {4, 9}, "validation").features();
        Path mlp = Path.of("testdata/models/digits-mlp256-init");
        System.out.println("# Smooth unique information on digits 4 vs 9 (n = 80, 100 validation inputs)");
        System.out.println();
        System.out.println("Against n + 1 = 81 retrainings of the real network from the same w0 (float64, full-batch GD);"
                + " Pearson (Spearman). `benchmarks/information/run digits`.");
        System.out.println();
        System.out.println("| network | lr | t | λ′ | projection | F-SI Pearson (Spearman) | weight SI Pearson (Spearman) |"
                + " lr·λ_max/n | estimate s | retraining s |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        against(mlp, "MLP 64-256-1", new InformationSettings(0.01, 600, 0, 1, 1, 0, 1));
        against(mlp, "MLP 64-256-1", new InformationSettings(0.01, 600, 0, 1, 1, 2000, 1));
        against(mlp, "MLP 64-256-1", new InformationSettings(0.01, 600, 0, 1, 1, 200, 1));
        against(mlp, "MLP 64-256-1", new InformationSettings(0.01, 600, 0.01, 1, 1, 0, 1));
        against(mlp, "MLP 64-256-1", new InformationSettings(0.01, 2000, 0, 1, 1, 0, 1));
        Path cnn = Files.createTempDirectory("digits-cnn");
        ModelSpec spec = new ModelSpec("small-cnn", 1, "relu", false, new int[0], new int[] {1, 8, 8});
        try (NDManager m = backend.newManager()) {
            Block net = spec.build();
            net.initialize(m, DataType.FLOAT32, spec.batchShape(1));
            Random rnd = new Random(1);
            double bound = 0;
            for (Pair<String, Parameter> q : net.getParameters()) {
                NDArray a = q.getValue().getArray();
                if (q.getKey().endsWith("_weight")) {
                    long fanIn = 1;
                    for (int d = 1; d < a.getShape().dimension(); d++) {
                        fanIn *= a.getShape().get(d);
                    }
                    bound = 1 / Math.sqrt(fanIn);
                }
                float[] v = new float[(int) a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((2 * rnd.nextDouble() - 1) * bound);
                }
                a.set(v);
            }
            ModelFiles.save(cnn, spec, net);
        }
        against(cnn, "small CNN (conv 16, conv 32 s2, linear)", new InformationSettings(0.01, 600, 0, 1, 1, 0, 1));
        against(cnn, "small CNN (conv 16, conv 32 s2, linear)", new InformationSettings(0.05, 600, 0, 1, 1, 0, 1));

        System.out.println();
        System.out.println("Flipped labels (seeded), AUC of F-SI and of weight SI at flagging them; MLP, lr 0.01, t = 600,"
                + " projection 2,000 (the configuration's default):");
        System.out.println();
        System.out.println("| flipped | seed | AUC F-SI | AUC weight SI | flipped among the top |");
        System.out.println("|---|---|---|---|---|");
        InformationSettings s = new InformationSettings(0.01, 600, 0, 1, 1, 2000, 1);
        for (double fraction : new double[] {0.05, 0.1, 0.2}) {
            for (long seed = 1; seed <= 3; seed++) {
                Selection.Flipped f = Selection.flip(train, fraction, 2, seed);
                Informativeness.Result r = estimate(mlp, f.set(), s);
                int flips = 0;
                for (boolean b : f.flipped()) {
                    flips += b ? 1 : 0;
                }
                int[] top = r.information().mostInformative(flips);
                int caught = 0;
                for (int i : top) {
                    caught += f.flipped()[i] ? 1 : 0;
                }
                System.out.printf(Locale.ROOT, "| %d of 80 | %d | %.3f | %.3f | %d of %d |%n", flips, seed,
                        Agreement.auc(r.information().function(), f.flipped()),
                        Agreement.auc(r.information().weights(), f.flipped()), caught, flips);
            }
        }
    }

    static Informativeness.Result estimate(Path model, LabelledSet set, InformationSettings s) {
        try (NDManager m = backend.newManager()) {
            return Informativeness.estimate(model, set, validation, s, 3000, new LqfLinearizer(), m, Progress.NONE);
        }
    }

    static void against(Path model, String name, InformationSettings s) {
        Informativeness.Result r = estimate(model, train, s);
        Retraining.Truth t;
        try (NDManager m = backend.newManager()) {
            t = Retraining.leaveOneOut(Informativeness.load(model, m), train, validation, s, m, Progress.NONE);
        }
        double[] f = r.information().function();
        double[] w = r.information().weights();
        System.out.printf(Locale.ROOT, "| %s (d %,d) | %s | %d | %s | %s | %.3f (%.3f) | %.3f (%.3f) | %.3f | %.2f | %.1f |%n", name,
                r.parameters(), s.learningRate(), s.steps(), s.weightDecay(), s.projectionPerTensor() == 0 ? "none"
                        : String.format(Locale.ROOT, "%d per tensor (d' %,d)", s.projectionPerTensor(), r.columns()),
                Agreement.pearson(f, t.function()), Agreement.spearman(f, t.function()), Agreement.pearson(w, t.weights()),
                Agreement.spearman(w, t.weights()), r.rate(s), r.seconds(), t.seconds());
    }
}
