package org.modelkit.api.forget;

import java.util.Map;
import org.modelkit.api.model.ModelHandle;

/**
 * What forgetting produced.
 *
 * @param model                   the new model version, in the model store
 * @param remainingInformationNats an upper bound, in nats, on the information about the forgotten
 *                                samples that the new model's weights still hold; finite, at least 0
 * @param metrics                 further named figures (for example accuracy on retained and
 *                                forgotten samples), never null
 */
public record ForgetResult(ModelHandle model, double remainingInformationNats, Map<String, Double> metrics) {
    /**
     * @throws IllegalArgumentException if model or metrics is null or the bound is negative or not finite
     */
    public ForgetResult {
        if (model == null || metrics == null) {
            throw new IllegalArgumentException("model and metrics must not be null");
        }
        if (!(Double.isFinite(remainingInformationNats) && remainingInformationNats >= 0)) {
            throw new IllegalArgumentException("remainingInformationNats is " + remainingInformationNats
                    + "; it must be finite and >= 0");
        }
        metrics = Map.copyOf(metrics);
    }
}
