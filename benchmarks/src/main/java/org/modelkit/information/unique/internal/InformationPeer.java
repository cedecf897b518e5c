package org.modelkit.information.unique.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.information.InformationSettings;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.LabelledFiles;
import org.modelkit.linearizer.lqf.internal.LqfLinearizer;
import org.modelkit.nn.ModelFiles;

/**
 * Modelkit's side of benchmarks/information/peer.py, the authors' code side by side: on the committed
 * digits 4 vs 9 fixtures (n = 80, 100 validation inputs, the MLP 64-256-1 at its seeded w0) it writes
 * the data and w0 for the reference (data.json, PyTorch's layouts), then estimates with projection none
 * at (t = 600, λ′ = 0) and (t = ∞, λ′ = 0.01) and writes 2σ²·F-SI and 2σ_w²·SI, the condition number of
 * Θ_λ and the time (median of 5 after a warm-up, Jacobians included) to java.json.
 *
 * <p>Usage: {@code InformationPeer OUT_DIR}
 */
public final class InformationPeer {
    private InformationPeer() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        LabelledSet train = Selection.classes(LabelledFiles.read(Path.of("testdata/information/digits49-train.csv")),
                new int[] {4, 9}, "training");
        Tensor validation = Selection.classes(LabelledFiles.read(Path.of("testdata/information/digits49-validation.csv")),
                new int[] {4, 9}, "validation").features();
        Path model = Path.of("testdata/models/digits-mlp256-init");
        TensorBackend backend = LocalBackends.pytorchCpu("bench");
        StringBuilder data = new StringBuilder("{\n");
        data.append("\"train_x\": ").append(rows(train.features())).append(",\n");
        data.append("\"train_y\": ").append(Arrays.toString(train.labels())).append(",\n");
        data.append("\"val_x\": ").append(rows(validation)).append(",\n");
        data.append("\"w0\": {");
        try (NDManager m = backend.newManager()) {
            ModelFiles.Loaded start = ModelFiles.load(model, m);
            boolean first = true;
            for (Pair<String, Parameter> p : start.block().getParameters()) {
                long[] shape = p.getValue().getArray().getShape().getShape();
                float[] v = p.getValue().getArray().toFloatArray();
                data.append(first ? "" : ",").append("\n  \"").append(p.getKey()).append("\": {\"shape\": ")
                        .append(Arrays.toString(shape)).append(", \"values\": ").append(floats(v)).append('}');
                first = false;
            }
        }
        data.append("\n}\n}\n");
        Files.writeString(out.resolve("data.json"), data.toString());

        StringBuilder json = new StringBuilder("{\"runs\": [");
        int[][] settings = {{600, 0}, {0, 1}};
        for (int r = 0; r < settings.length; r++) {
            InformationSettings s = new InformationSettings(0.01, settings[r][0], settings[r][1] * 0.01, 1, 1, 0, 1);
            Informativeness.Result result = null;
            double[] times = new double[5];
            try (NDManager m = backend.newManager()) {
                Informativeness.estimate(model, train, validation, s, 3000, new LqfLinearizer(), m, Progress.NONE);
                for (int k = 0; k < times.length; k++) {
                    long t0 = System.nanoTime();
                    result = Informativeness.estimate(model, train, validation, s, 3000, new LqfLinearizer(), m, Progress.NONE);
                    times[k] = (System.nanoTime() - t0) / 1e9;
                }
            }
            Arrays.sort(times);
            double[] f = result.information().function();
            double[] w = result.information().weights();
            for (int i = 0; i < f.length; i++) {
                f[i] *= 2 * s.sigma() * s.sigma();
                w[i] *= 2 * s.weightSigma() * s.weightSigma();
            }
            json.append(r == 0 ? "" : ",").append(String.format(Locale.ROOT, "%n {\"t\": %s, \"weight_decay\": %s, \"seconds\": %.4f,"
                    + " \"condition\": %.6g, \"min_eigen\": %.6g, \"max_eigen\": %.6g,%n  \"fsi\": %s,%n  \"weight_si\": %s}",
                    s.converged() ? "null" : Integer.toString(s.steps()), s.weightDecay(), times[2],
                    result.solution().condition(), result.solution().minEigen(), result.solution().maxEigen(),
                    doubles(f), doubles(w)));
            System.err.printf(Locale.ROOT, "Modelkit t=%s λ′=%s: %.3f s (median of 5), condition %.3g%n",
                    s.converged() ? "∞" : s.steps(), s.weightDecay(), times[2], result.solution().condition());
        }
        json.append("\n]}\n");
        Files.writeString(out.resolve("java.json"), json.toString());
    }

    private static String rows(Tensor t) {
        int n = t.dim(0);
        int per = t.size() / n;
        float[] x = t.toArray();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(floats(Arrays.copyOfRange(x, i * per, (i + 1) * per)));
        }
        return sb.append(']').toString();
    }

    private static String floats(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ",").append(Float.toString(v[i]));
        }
        return sb.append(']').toString();
    }

    private static String doubles(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ",").append(Double.toString(v[i]));
        }
        return sb.append(']').toString();
    }
}
