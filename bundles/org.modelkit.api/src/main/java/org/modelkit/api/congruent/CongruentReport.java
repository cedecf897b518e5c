package org.modelkit.api.congruent;

import java.nio.file.Path;

/**
 * The outcome of a {@link CongruentRequest}.
 *
 * @param model      the folder the new model was written to
 * @param evaluation the new model's flip metrics against the reference on the test set (null without one)
 * @param finalLoss  the training loss of the last epoch
 * @param errorRates the test error rate after each epoch (empty without a test set)
 * @param flipRates  the test NFR after each epoch (empty without a test set)
 * @param seconds    the training time
 */
public record CongruentReport(Path model, FlipMetrics evaluation, double finalLoss, double[] errorRates, double[] flipRates,
        double seconds) {
    /** @throws IllegalArgumentException if model is null or the per-epoch arrays differ in length */
    public CongruentReport {
        if (model == null || errorRates == null || flipRates == null || errorRates.length != flipRates.length) {
            throw new IllegalArgumentException("model and per-epoch rates of equal length must be given");
        }
        errorRates = errorRates.clone();
        flipRates = flipRates.clone();
    }

    @Override
    public double[] errorRates() {
        return errorRates.clone();
    }

    @Override
    public double[] flipRates() {
        return flipRates.clone();
    }
}
