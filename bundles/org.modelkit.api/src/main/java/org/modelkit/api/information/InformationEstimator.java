package org.modelkit.api.information;

import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.method.Method;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.progress.Progress;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Estimates, for every training sample, how much information it carries about a model's weights and
 * about the function the model computes (its unique information given the other samples).
 */
@ProviderType
public interface InformationEstimator extends Method {
    /**
     * @param model    the model trained on {@code training}; not changed
     * @param training the training samples
     * @param progress receives progress and may cancel
     * @return one pair of estimates per sample, in the order of {@code training}
     * @throws IllegalArgumentException if the set does not fit the model (feature shape, class count)
     * @throws java.io.UncheckedIOException if the model cannot be read
     * @throws org.modelkit.api.progress.CancelledException if cancelled
     */
    SampleInformation estimate(ModelHandle model, LabelledSet training, Progress progress);
}
