package org.modelkit.api.trainingtime;

import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.method.Method;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.progress.Progress;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Predicts the loss and accuracy curve of fine-tuning a model with a given plan, and the number of
 * steps to reach a target loss, without running the training.
 */
@ProviderType
public interface TrainingTimePredictor extends Method {
    /**
     * @param model    the starting (pre-trained) model; not changed
     * @param training the samples to train on
     * @param plan     the optimiser settings and the target
     * @param progress receives progress and may cancel
     * @return the predicted curve
     * @throws IllegalArgumentException if the set does not fit the model
     * @throws java.io.UncheckedIOException if the model cannot be read
     * @throws org.modelkit.api.progress.CancelledException if cancelled
     */
    TrainingForecast predict(ModelHandle model, LabelledSet training, TrainingPlan plan, Progress progress);
}
