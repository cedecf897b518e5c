package org.modelkit.api.congruent;

import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.method.Method;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.progress.Progress;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Trains a new model that is congruent with a reference model: it should gain accuracy without
 * getting wrong the samples the reference got right (negative flips).
 */
@ProviderType
public interface CongruentTrainer extends Method {
    /**
     * @param reference  the old model; not changed
     * @param training   the samples to train the new model on
     * @param evaluation held-out samples on which the flip metrics are measured
     * @param progress   receives progress and may cancel
     * @return the new model and its flip metrics against the reference
     * @throws IllegalArgumentException if a set does not fit the reference model
     * @throws java.io.UncheckedIOException if the reference cannot be read or the new model cannot be written
     * @throws org.modelkit.api.progress.CancelledException if cancelled; nothing was written
     */
    CongruentResult train(ModelHandle reference, LabelledSet training, LabelledSet evaluation, Progress progress);

    /**
     * Trains a new model on folders: the references' logits are computed once per training sample (an
     * ensemble averages its members' logits, or their probabilities as configured), then the new network is
     * trained with the request's loss.
     *
     * @param request  the references, the new network, the data, the loss and where the result goes
     * @param progress receives progress per epoch and may cancel
     * @return the report
     * @throws IllegalArgumentException naming the input and the problem (shapes, class counts, a reference
     *                                  that outputs probabilities); nothing is written
     * @throws java.io.UncheckedIOException if a reference cannot be read or the result cannot be written
     * @throws org.modelkit.api.progress.CancelledException if cancelled; nothing was written
     * @since 1.1
     */
    CongruentReport train(CongruentRequest request, Progress progress);
}
