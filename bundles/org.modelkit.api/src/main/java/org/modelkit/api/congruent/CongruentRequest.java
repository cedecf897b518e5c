package org.modelkit.api.congruent;

import java.nio.file.Path;
import java.util.List;
import org.modelkit.api.data.LabelledSet;

/**
 * One positive-congruent training run on model folders.
 *
 * @param references the reference (old) models' folders; several make an ensemble; not changed
 * @param network    the new network's architecture: {@code mlp:W1,W2,...}, {@code small-cnn} or
 *                   {@code small-resnet:WIDTH,BLOCKS}, optionally followed by {@code /leaky_relu}; null or
 *                   empty: the first reference's
 * @param train      the samples the new model is trained on
 * @param test       held-out samples for the error and flip rates (may be null)
 * @param loss       the training loss
 * @param alpha      α ≥ 0, the distillation weight of every sample
 * @param beta       β ≥ 0, the extra weight of the samples the reference gets right
 * @param temperature T &gt; 0 of the KL distance
 * @param epochs     epochs, at least 1
 * @param seed       the new network's initialisation and the data order
 * @param output     the folder the new model is written to (as a whole)
 */
public record CongruentRequest(List<Path> references, String network, LabelledSet train, LabelledSet test, Loss loss,
        double alpha, double beta, double temperature, int epochs, long seed, Path output) {
    /** @throws IllegalArgumentException naming the field that is missing or out of range */
    public CongruentRequest {
        if (references == null || references.isEmpty()) {
            throw new IllegalArgumentException("at least one reference model must be given");
        }
        if (train == null || loss == null || output == null) {
            throw new IllegalArgumentException("train, loss and output must be given");
        }
        if (train.size() == 0) {
            throw new IllegalArgumentException("the training set is empty");
        }
        if (test != null && test.size() == 0) {
            throw new IllegalArgumentException("the test set is empty");
        }
        if (!(alpha >= 0 && Double.isFinite(alpha))) {
            throw new IllegalArgumentException("alpha = " + alpha + " must be finite and >= 0");
        }
        if (!(beta >= 0 && Double.isFinite(beta))) {
            throw new IllegalArgumentException("beta = " + beta + " must be finite and >= 0");
        }
        if (!(temperature > 0 && Double.isFinite(temperature))) {
            throw new IllegalArgumentException("temperature = " + temperature + " must be finite and > 0");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs = " + epochs + " must be at least 1");
        }
        references = List.copyOf(references);
    }
}
