package org.modelkit.api.classify;

import org.modelkit.api.data.Tensor;

/**
 * @param predicted the class of each sample (the highest score)
 * @param scores    the model's outputs, {@code [n, classes]}
 * @param backend   the id of the compute backend that ran the model
 * @param model     the model file that was run (its format suits the backend)
 */
public record Classification(int[] predicted, Tensor scores, String backend, String model) {
    /** @throws IllegalArgumentException if a field is missing or the counts differ */
    public Classification {
        if (predicted == null || scores == null || backend == null || model == null) {
            throw new IllegalArgumentException("predicted, scores, backend and model must be given");
        }
        if (scores.rank() != 2 || scores.dim(0) != predicted.length) {
            throw new IllegalArgumentException("scores " + scores + " do not match " + predicted.length + " predictions");
        }
        predicted = predicted.clone();
    }

    @Override
    public int[] predicted() {
        return predicted.clone();
    }

    /**
     * @param labels the true classes, one per sample
     * @return the fraction predicted correctly
     * @throws IllegalArgumentException if the counts differ
     */
    public double accuracy(int[] labels) {
        if (labels.length != predicted.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + predicted.length + " predictions");
        }
        return org.modelkit.api.data.LabelledSet.agreement(predicted, labels);
    }
}
