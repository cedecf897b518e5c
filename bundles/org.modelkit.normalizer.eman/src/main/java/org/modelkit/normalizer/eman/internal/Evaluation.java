package org.modelkit.normalizer.eman.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.nn.Datasets;

/**
 * How a student or teacher is scored on the test set: the accuracy of a classifier (FixMatch), or the
 * k-nearest-neighbour accuracy of an encoder's features with the labelled samples as memory (MoCo).
 * Each works in batches in a sub-manager of the one it is given.
 */
final class Evaluation {
    private final LabelledSet memory;
    private final LabelledSet test;
    private final int batch;
    private final int knn;

    /**
     * @param memory the labelled samples (kNN's memory)
     * @param test   the test set
     * @param batch  samples per forward pass
     * @param knn    neighbours that vote
     */
    Evaluation(LabelledSet memory, LabelledSet test, int batch, int knn) {
        this.memory = memory;
        this.test = test;
        this.batch = batch;
        this.knn = knn;
    }

    /** Test accuracy of a classifier given as a forward function. */
    double accuracy(NDManager parent, Function<NDList, NDList> forward) {
        int ok = 0;
        for (int s = 0; s < test.size(); s += batch) {
            int[] rows = range(s, Math.min(test.size(), s + batch));
            try (NDManager m = parent.newSubManager()) {
                ok += test.correct(rows, forward.apply(new NDList(Datasets.rows(m, test.features(), rows)))
                        .singletonOrThrow().argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray());
            }
        }
        return (double) ok / test.size();
    }

    /** L2-normalised features of all samples of a set, on the device. */
    private NDArray features(NDManager m, Tensor set, Function<NDList, NDList> forward) {
        List<NDArray> parts = new ArrayList<>();
        int n = set.dim(0);
        for (int s = 0; s < n; s += batch) {
            int[] rows = range(s, Math.min(n, s + batch));
            parts.add(forward.apply(new NDList(Datasets.rows(m, set, rows))).singletonOrThrow().normalize(2, 1));
        }
        return NDArrays.concat(new NDList(parts));
    }

    /**
     * k-nearest-neighbour classification of the test set with the labelled samples as memory: the k most
     * cosine-similar labelled samples vote with weight exp(similarity / 0.07), as in the instance
     * discrimination and MoCo evaluations.
     */
    double knnAccuracy(NDManager parent, Function<NDList, NDList> forward) {
        int k = Math.min(knn, memory.size());
        int ok = 0;
        try (NDManager m = parent.newSubManager()) {
            NDArray mem = features(m, memory.features(), forward);
            NDArray memT = mem.transpose();
            for (int s = 0; s < test.size(); s += batch) {
                int[] rows = range(s, Math.min(test.size(), s + batch));
                try (NDManager mm = m.newSubManager()) {
                    NDArray q = forward.apply(new NDList(Datasets.rows(mm, test.features(), rows))).singletonOrThrow()
                            .normalize(2, 1);
                    float[] sim = q.matMul(memT).toFloatArray();
                    for (int i = 0; i < rows.length; i++) {
                        ok += vote(sim, i * memory.size(), k) == test.label(rows[i]) ? 1 : 0;
                    }
                }
            }
        }
        return (double) ok / test.size();
    }

    private int vote(float[] sim, int off, int k) {
        int n = memory.size();
        Integer[] idx = new Integer[n];
        for (int j = 0; j < n; j++) {
            idx[j] = j;
        }
        java.util.Arrays.sort(idx, (a, c) -> Float.compare(sim[off + c], sim[off + a]));
        int classes = memory.classCount();
        double[] score = new double[classes];
        for (int j = 0; j < k; j++) {
            score[memory.label(idx[j])] += Math.exp(sim[off + idx[j]] / 0.07);
        }
        int best = 0;
        for (int c = 1; c < classes; c++) {
            best = score[c] > score[best] ? c : best;
        }
        return best;
    }

    private static int[] range(int from, int to) {
        int[] a = new int[to - from];
        for (int i = 0; i < a.length; i++) {
            a[i] = from + i;
        }
        return a;
    }
}
