package org.modelkit.information.unique.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
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
 * The paper's MNIST setting at its size: 4 vs 9, n = 1,000 training images drawn with a seed from MNIST's
 * training set (scripts/fetch-data mnist), 500 validation images from its test set, the MLP 784-1024-1
 * (ReLU) from seeded initial weights, full-batch GD at lr 0.001 for t = 2,000 steps (and t = ∞ with
 * λ′ = 1, the paper's λ = 10³), projection 2,000 per tensor; 10% of the labels flipped. Retraining 1,001
 * networks is out of reach here, so what is reported is how well F-SI flags the flipped labels, the time,
 * and how much the ranking depends on the projection. Prints Markdown.
 */
public final class InformationMnist {
    private InformationMnist() {
    }

    public static void main(String[] args) throws Exception {
        Path images = Path.of("data/mnist/train-images-idx3-ubyte.gz");
        if (!Files.exists(images)) {
            throw new IllegalStateException("no " + images + ": run scripts/fetch-data mnist");
        }
        LabelledSet all = Selection.classes(LabelledFiles.read(images), new int[] {4, 9}, "training");
        LabelledSet test = Selection.classes(LabelledFiles.read(Path.of("data/mnist/t10k-images-idx3-ubyte.gz")),
                new int[] {4, 9}, "validation");
        LabelledSet train = all.select(Arrays.copyOf(Sampling.permutation(all.size(), new Random(1)), 1000));
        Tensor validation = test.select(Arrays.copyOf(Sampling.permutation(test.size(), new Random(2)), 500)).features();
        TensorBackend backend = LocalBackends.pytorchCpu("bench");
        Path model = Files.createTempDirectory("mnist-mlp1024");
        ModelSpec spec = new ModelSpec("mlp", 1, "relu", false, new int[] {1024}, new int[] {1, 28, 28});
        try (NDManager m = backend.newManager()) {
            Block net = spec.build();
            net.initialize(m, DataType.FLOAT32, spec.batchShape(1));
            Random rnd = new Random(1);
            double bound = 0;
            for (Pair<String, Parameter> q : net.getParameters()) {
                NDArray a = q.getValue().getArray();
                if (q.getKey().endsWith("_weight")) {
                    bound = 1 / Math.sqrt(a.getShape().get(1));
                }
                float[] v = new float[(int) a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((2 * rnd.nextDouble() - 1) * bound);
                }
                a.set(v);
            }
            ModelFiles.save(model, spec, net);
        }
        Selection.Flipped noisy = Selection.flip(train, 0.1, 2, 1);
        System.out.println("# Smooth unique information on MNIST 4 vs 9 (the paper's size)");
        System.out.println();
        System.out.println("n = 1,000 (100 labels flipped, seed 1), 500 validation images, MLP 784-1024-1 (ReLU) from seeded"
                + " initial weights, full-batch GD; 2 threads. `benchmarks/information/run mnist`.");
        System.out.println();
        System.out.println("| t | λ′ | projection | d' | λ(Θ_λ) | lr·λ_max/n | AUC F-SI | AUC weight SI | flipped in top 100 |"
                + " seconds |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        double[][] fsi = new double[3][];
        int row = 0;
        for (InformationSettings s : new InformationSettings[] {
            new InformationSettings(0.001, 2000, 0, 1, 1, 2000, 1),
            new InformationSettings(0.001, 2000, 0, 1, 1, 500, 2),
            new InformationSettings(0.001, 0, 1.0, 1, 1, 2000, 1)}) {
            Informativeness.Result r;
            try (NDManager m = backend.newManager()) {
                r = Informativeness.estimate(model, noisy.set(), validation, s, 3000, new LqfLinearizer(), m, Progress.NONE);
            }
            int[] top = r.information().mostInformative(100);
            int caught = 0;
            for (int i : top) {
                caught += noisy.flipped()[i] ? 1 : 0;
            }
            fsi[row++] = r.information().function();
            System.out.printf(Locale.ROOT, "| %s | %s | %d per tensor | %,d | %.3g .. %.4g | %.3f | %.3f | %.3f | %d | %.1f |%n",
                    s.converged() ? "∞" : Integer.toString(s.steps()), s.weightDecay(), s.projectionPerTensor(), r.columns(),
                    r.solution().minEigen(), r.solution().maxEigen(), r.rate(s),
                    Agreement.auc(r.information().function(), noisy.flipped()),
                    Agreement.auc(r.information().weights(), noisy.flipped()), caught, r.seconds());
            System.out.flush();
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "F-SI with 2,000 vs 500 coordinates per tensor (another seed): Pearson %.3f, Spearman %.3f;"
                + " t = 2,000 vs t = ∞ with λ′ = 1: Spearman %.3f.%n", Agreement.pearson(fsi[0], fsi[1]),
                Agreement.spearman(fsi[0], fsi[1]), Agreement.spearman(fsi[0], fsi[2]));
    }
}
