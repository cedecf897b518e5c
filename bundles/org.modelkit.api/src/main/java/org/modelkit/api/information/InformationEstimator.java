package org.modelkit.api.information;

import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.method.Method;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.progress.Progress;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Estimates, for every training sample, how much information it carries about the weights and about the
 * function (the predictions) of the network that training from w0 produces: its smooth unique
 * information given the other samples (Harutyunyan et al., ICLR 2021, arXiv:2101.06640). The training
 * is not run: it is predicted from the network linearized at w0.
 */
@ProviderType
public interface InformationEstimator extends Method {
    /**
     * With the configured settings, the training inputs serving as validation inputs.
     *
     * @param model    w0, the network training starts from (initial or pre-trained), not a trained one; not changed
     * @param training the training samples
     * @param progress receives progress and may cancel
     * @return one pair of estimates per sample, in the order of {@code training}
     * @throws IllegalArgumentException if the set does not fit the model (feature shape, class count)
     * @throws java.io.UncheckedIOException if the model cannot be read
     * @throws org.modelkit.api.progress.CancelledException if cancelled
     */
    SampleInformation estimate(ModelHandle model, LabelledSet training, Progress progress);

    /**
     * @param model      w0, the network training starts from (initial or pre-trained); not changed
     * @param training   the training samples; with one output, labels 0 and 1 are the targets, with k outputs
     *                   the label's one-hot vector is
     * @param validation the inputs the function information is measured on, {@code [m, ...]} shaped like
     *                   the training features
     * @param settings   the training to predict
     * @param progress   receives progress and may cancel
     * @return one pair of estimates per sample, in the order of {@code training}, in nats
     * @throws IllegalArgumentException naming the input and the problem (shapes, labels, non-finite
     *                                  values, a rate at which the training diverges, too few samples)
     * @throws java.io.UncheckedIOException if the model cannot be read
     * @throws org.modelkit.api.progress.CancelledException if cancelled
     * @since 1.1
     */
    SampleInformation estimate(ModelHandle model, LabelledSet training, org.modelkit.api.data.Tensor validation,
            InformationSettings settings, Progress progress);
}
