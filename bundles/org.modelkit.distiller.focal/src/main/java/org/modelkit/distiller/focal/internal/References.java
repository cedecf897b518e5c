package org.modelkit.distiller.focal.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.modelkit.api.data.Tensor;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;

/**
 * Reference (old) models: their logits on a set, computed once per sample; several folders make an ensemble
 * whose logits are the members' mean (or, with {@code probabilities}, the log of their mean softmax).
 */
final class References {
    private References() {
    }

    /** Samples per forward pass. */
    static final int BATCH = 256;

    /**
     * @param logits  n × classes, row-major
     * @param classes the reference's class count
     * @param spec    the first member's architecture
     */
    record Logits(float[] logits, int classes, ModelSpec spec) {
        /** @return the reference's predicted class of every sample */
        int[] predictions() {
            int n = logits.length / classes;
            int[] p = new int[n];
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (logits[i * classes + c] > logits[i * classes + best]) {
                        best = c;
                    }
                }
                p[i] = best;
            }
            return p;
        }
    }

    /**
     * @param folders       the members' model folders
     * @param features      the samples
     * @param probabilities average the members' probabilities instead of their logits
     * @throws IllegalArgumentException naming the member: another input shape, another class count, or
     *                                  outputs that are probabilities (rows summing to 1)
     */
    static Logits of(List<Path> folders, Tensor features, boolean probabilities, NDManager parent) {
        int n = features.dim(0);
        int[] sample = Arrays.copyOfRange(features.shape(), 1, features.rank());
        float[] sum = null;
        int classes = -1;
        ModelSpec first = null;
        for (Path folder : folders) {
            try (NDManager m = parent.newSubManager()) {
                ModelFiles.Loaded model;
                try {
                    model = ModelFiles.load(folder, m);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (!model.spec().accepts(sample)) {
                    throw new IllegalArgumentException("reference " + folder + " takes inputs of shape "
                            + Arrays.toString(model.spec().input()) + ", not the samples' " + Arrays.toString(sample));
                }
                if (classes >= 0 && model.spec().classes() != classes) {
                    throw new IllegalArgumentException("ensemble member " + folder + " has " + model.spec().classes()
                            + " classes, the first member " + classes);
                }
                classes = model.spec().classes();
                first = first == null ? model.spec() : first;
                float[] z = forward(model, features, m);
                if (looksLikeProbabilities(z, classes)) {
                    throw new IllegalArgumentException("reference " + folder + " outputs probabilities (every row lies in [0, 1]"
                            + " and sums to 1); distillation needs its logits");
                }
                if (probabilities) {
                    softmax(z, classes);
                }
                if (sum == null) {
                    sum = z;
                } else {
                    for (int i = 0; i < z.length; i++) {
                        sum[i] += z[i];
                    }
                }
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= folders.size();
            if (probabilities) {
                sum[i] = (float) Math.log(Math.max(sum[i], 1e-30f));
            }
        }
        return new Logits(sum, classes, first);
    }

    /** @return the block's logits on every sample, n × classes */
    static float[] forward(ModelFiles.Loaded model, Tensor features, NDManager parent) {
        int n = features.dim(0);
        int classes = model.spec().classes();
        float[] out = new float[n * classes];
        for (int s = 0; s < n; s += BATCH) {
            int[] rows = new int[Math.min(BATCH, n - s)];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = s + i;
            }
            try (NDManager m = parent.newSubManager()) {
                NDArray x = Datasets.rows(m, features, rows);
                NDArray z = model.block().forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
                float[] v = z.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                System.arraycopy(v, 0, out, s * classes, v.length);
            }
        }
        return out;
    }

    static boolean looksLikeProbabilities(float[] z, int classes) {
        int n = z.length / classes;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = 0; c < classes; c++) {
                float v = z[i * classes + c];
                if (v < 0 || v > 1) {
                    return false;
                }
                s += v;
            }
            if (Math.abs(s - 1) > 1e-3) {
                return false;
            }
        }
        return true;
    }

    private static void softmax(float[] z, int classes) {
        int n = z.length / classes;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, z[i * classes + c]);
            }
            double s = 0;
            for (int c = 0; c < classes; c++) {
                s += Math.exp(z[i * classes + c] - max);
            }
            for (int c = 0; c < classes; c++) {
                z[i * classes + c] = (float) (Math.exp(z[i * classes + c] - max) / s);
            }
        }
    }
}
