package org.modelkit.api.teach;

import org.modelkit.api.method.Method;
import org.modelkit.api.progress.Progress;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Trains a student network with a teacher that follows it by an exponential moving average, the
 * teacher's normalisation chosen by a normalizer's name ("eman": always stored statistics; "bn": the
 * statistics of the batch it sees), so the two can be compared on equal terms.
 */
@ProviderType
public interface StudentTeacherTrainer extends Method {
    /**
     * @param request  the job
     * @param progress receives one "epoch" report per epoch and may cancel between steps
     * @return the figures per epoch
     * @throws IllegalArgumentException if no normalizer of that name is installed, or the samples do not
     *                                  suit the networks (named)
     * @throws IllegalStateException    if no compute backend with autograd is bound
     * @throws java.io.UncheckedIOException if the output cannot be written; files already in place are
     *                                  then as they were
     * @throws org.modelkit.api.progress.CancelledException if cancelled; nothing was written
     */
    TeachResult teach(TeachRequest request, Progress progress);
}
