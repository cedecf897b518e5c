package org.modelkit.api.segment;

import org.modelkit.api.method.Method;
import org.modelkit.api.progress.Progress;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Trains a static segmentation model from motion (DyStaB's bootstrap): the dynamic masks of frames whose motion is
 * informative train a static image-to-mask model, which in later rounds regularises the dynamic masks.
 *
 * @since 1.1
 */
@ProviderType
public interface SegmenterTrainer extends Method {
    /**
     * @param request  the sequences, the rounds and where the model goes
     * @param progress receives progress per round and epoch and may cancel
     * @return J per round, where ground truth was given, and the model's folder
     * @throws IllegalArgumentException naming the sequence and the problem (too few frames, sizes that differ,
     *                                  masks that do not fit, no frame with informative motion); nothing is written
     * @throws java.io.UncheckedIOException if the model cannot be written
     * @throws org.modelkit.api.progress.CancelledException if cancelled; nothing was written
     */
    BootstrapResult train(BootstrapRequest request, Progress progress);
}
