package org.modelkit.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.modelkit.api.data.Tensor;
import ai.djl.training.dataset.ArrayDataset;
import org.modelkit.api.data.LabelledSet;

/** Adapters from the api's labelled sets to DJL datasets. */
public final class Datasets {
    private Datasets() {
    }

    /**
     * A DJL ArrayDataset over a labelled set: features as float32 (grey {@code [n, h, w]} get a channel
     * axis, {@code [n, 1, h, w]}), labels as float32 class indices {@code [n]}.
     *
     * @param set       the samples
     * @param manager   where the arrays live (closing it frees them)
     * @param batchSize samples per batch, at least 1
     * @param shuffle   whether batches are drawn in random order (seeded by DJL's engine seed)
     * @return the dataset
     * @throws IllegalArgumentException if batchSize is below 1
     */
    public static ArrayDataset of(LabelledSet set, NDManager manager, int batchSize, boolean shuffle) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize = " + batchSize + " must be at least 1");
        }
        float[] y = new float[set.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = set.label(i);
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(set.features().asBuffer(), Training.batchShape(set.features().shape(), set.size())))
                .optLabels(manager.create(y))
                .setSampling(batchSize, shuffle)
                .build();
    }

    /**
     * Some samples of a feature tensor as one NDArray batch (grey {@code [n, h, w]} get a channel axis).
     *
     * @param manager where the array lives
     * @param features the samples, first dimension = number of samples
     * @param rows     the sample indices, each in {@code [0, n)}
     * @return an array of shape {@code [rows.length, ...]}
     * @throws IllegalArgumentException if an index is out of range
     */
    public static NDArray rows(NDManager manager, Tensor features, int[] rows) {
        int[] shape = features.shape();
        int per = features.size() / shape[0];
        float[] x = new float[rows.length * per];
        java.nio.FloatBuffer src = features.asBuffer();
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= shape[0]) {
                throw new IllegalArgumentException("sample index " + rows[i] + " is outside [0, " + shape[0] + ")");
            }
            src.position(rows[i] * per);
            src.get(x, i * per, per);
        }
        return manager.create(x, Training.batchShape(shape, rows.length));
    }

    /**
     * The same, from samples already gathered into a flat array.
     *
     * @param manager     where the array lives
     * @param values      {@code count} samples, row-major
     * @param sampleShape the shape of one sample as in the feature tensor (grey {@code [h, w]} gets a channel axis)
     * @param count       the number of samples
     * @return an array of shape {@code [count, ...]}
     */
    public static NDArray rows(NDManager manager, float[] values, int[] sampleShape, int count) {
        int[] full = new int[sampleShape.length + 1];
        full[0] = count;
        System.arraycopy(sampleShape, 0, full, 1, sampleShape.length);
        return manager.create(values, Training.batchShape(full, count));
    }
}
