package org.modelkit.nn;

import ai.djl.ndarray.NDManager;
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
}
