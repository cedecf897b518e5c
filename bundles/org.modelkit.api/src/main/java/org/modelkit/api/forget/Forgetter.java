package org.modelkit.api.forget;

import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.method.Method;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.progress.Progress;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Removes the influence of a subset of training samples from a trained model, returning a new model
 * version and an upper bound on the information about the forgotten samples that is left in it.
 *
 * <p>1.1.0: a forgetter may train the model it can later forget from ({@link #train}), take requests
 * with a requester and a purge choice ({@link #forget(ForgetRequest, Progress)}), forget every user
 * sample ({@link #forgetAll}), and predict with a model it made ({@link #predict}).
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

    /**
     * Trains a forgettable model from a core model and user samples, and publishes it.
     *
     * @param core     the core model in the model store (never forgotten)
     * @param user     the user samples, each of which can later be forgotten
     * @param id       the id to publish the forgettable model as
     * @param progress receives progress and may cancel
     * @return the published version (bound 0) and figures such as the user-weight count
     * @throws IllegalArgumentException naming the input if the core model or the samples do not fit
     * @throws org.modelkit.api.progress.CancelledException if cancelled; nothing was published
     * @since 1.1
     */
    ForgetResult train(ModelHandle core, LabelledSet user, String id, Progress progress);

    /**
     * Serves one request: forgets its samples from the model's current version, publishes the result as
     * a new version and makes it current; the old one stays retrievable by its handle unless the request purges it.
     *
     * @param request  the request
     * @param progress receives progress and may cancel
     * @return the new version and the bound on what remains of the forgotten samples
     * @throws IllegalArgumentException naming the input if the request does not fit the model
     * @throws IllegalStateException    if a promotion gate refuses the new version
     * @throws org.modelkit.api.progress.CancelledException if cancelled; nothing was published
     * @since 1.1
     */
    ForgetResult forget(ForgetRequest request, Progress progress);

    /**
     * Forgets every user sample: the result behaves as the core model, and nothing about the user
     * samples remains.
     *
     * @param model    the forgettable model
     * @param progress receives progress and may cancel
     * @return the new version, bound 0
     * @since 1.1
     */
    default ForgetResult forgetAll(ModelHandle model, Progress progress) {
        return forget(ForgetRequest.everything(model), progress);
    }

    /**
     * @param model    a model this forgetter made
     * @param features samples shaped as it was trained on
     * @return the predicted class of each sample
     * @throws IllegalArgumentException if the model is not one this forgetter made, or the samples do not fit
     * @since 1.1
     */
    int[] predict(ModelHandle model, Tensor features);
}
