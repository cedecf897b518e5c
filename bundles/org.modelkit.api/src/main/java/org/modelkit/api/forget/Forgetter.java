package org.modelkit.api.forget;

import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.method.Method;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.progress.Progress;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Removes the influence of a subset of training samples from a trained model, returning a new model
 * version and an upper bound on the information about the forgotten samples that is left in it.
 */
@ProviderType
public interface Forgetter extends Method {
    /**
     * @param model    the trained model, in the model store; it is not changed
     * @param training the samples the model was trained on, in the same order
     * @param forget   indices into {@code training} of the samples to forget: at least one, distinct,
     *                 each in {@code [0, training.size())}, fewer than all
     * @param progress receives progress and may cancel
     * @return the new model and the bound
     * @throws IllegalArgumentException if an index is out of range or repeated, or the set does not fit the model
     * @throws java.io.UncheckedIOException if the model cannot be read or the new one cannot be written
     * @throws org.modelkit.api.progress.CancelledException if cancelled; nothing was written
     */
    ForgetResult forget(ModelHandle model, LabelledSet training, int[] forget, Progress progress);
}
