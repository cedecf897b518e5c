package org.modelkit.api.finetune;

import java.nio.file.Path;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.method.Method;
import org.modelkit.api.progress.Progress;
import org.osgi.annotation.versioning.ProviderType;

/** Fine-tunes a pre-trained network on a new task, saves the result, and predicts with it. */
@ProviderType
public interface FineTuner extends Method {
    /**
     * @param request  the job
     * @param progress one "step" report per optimiser step; may cancel between steps
     * @return the figures
     * @throws IllegalArgumentException if the model or the samples do not fit (named)
     * @throws java.io.UncheckedIOException if the model cannot be read or the result written; nothing
     *                                      half-written is left
     * @throws org.modelkit.api.progress.CancelledException if cancelled; nothing was written
     */
    FineTuneResult fineTune(FineTuneRequest request, Progress progress);

    /**
     * @param model    a directory written by {@link #fineTune}
     * @param features samples with the shape the model was fine-tuned on
     * @return the predicted class of each sample
     * @throws IllegalArgumentException if the samples do not fit the model
     * @throws java.io.UncheckedIOException if the model cannot be read
     */
    int[] predict(Path model, Tensor features);
}
