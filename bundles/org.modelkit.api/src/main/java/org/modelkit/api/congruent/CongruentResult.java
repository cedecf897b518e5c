package org.modelkit.api.congruent;

import org.modelkit.api.model.ModelHandle;

/**
 * @param model      the new model, in the model store
 * @param evaluation its flip metrics against the reference on the evaluation set
 */
public record CongruentResult(ModelHandle model, FlipMetrics evaluation) {
    /** @throws IllegalArgumentException if a field is null */
    public CongruentResult {
        if (model == null || evaluation == null) {
            throw new IllegalArgumentException("model and evaluation must not be null");
        }
    }
}
