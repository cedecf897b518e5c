package org.modelkit.api.teach;

import java.nio.file.Path;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;

/**
 * One student-teacher training job.
 *
 * @param paradigm   FixMatch or MoCo
 * @param normalizer the name of the normalizer service the teacher follows the student with, for
 *                   example "eman" or "bn"
 * @param labelled   the labelled samples (FixMatch trains on them; MoCo uses them only as the
 *                   k-nearest-neighbour memory when evaluating)
 * @param unlabelled samples without labels, with the same sample shape as {@code labelled}
 * @param test       held-out labelled samples, same sample shape and classes, for the accuracy per epoch
 * @param epochs     passes over the unlabelled samples, at least 1
 * @param seed       seeds initialisation, sampling and augmentation
 * @param output     a directory to save the student's and teacher's parameters, the per-epoch figures
 *                   and a plot into (created if missing), or null to save nothing
 */
public record TeachRequest(Paradigm paradigm, String normalizer, LabelledSet labelled, Tensor unlabelled,
        LabelledSet test, int epochs, long seed, Path output) {
    /** @throws IllegalArgumentException naming the field that is missing or does not fit */
    public TeachRequest {
        if (paradigm == null || normalizer == null || normalizer.isBlank() || labelled == null || unlabelled == null
                || test == null) {
            throw new IllegalArgumentException("paradigm, normalizer, labelled, unlabelled and test must be given");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs = " + epochs + " must be at least 1");
        }
        if (unlabelled.rank() != labelled.features().rank() || !sameSampleShape(unlabelled, labelled.features())) {
            throw new IllegalArgumentException("unlabelled samples " + unlabelled + " do not have the sample shape of the"
                    + " labelled ones " + labelled.features());
        }
        if (!sameSampleShape(test.features(), labelled.features()) || test.classCount() != labelled.classCount()) {
            throw new IllegalArgumentException("test set " + test + " does not match the labelled set " + labelled
                    + " in sample shape or classes");
        }
        if (unlabelled.dim(0) == 0 || labelled.size() == 0 || test.size() == 0) {
            throw new IllegalArgumentException("labelled, unlabelled and test sets must not be empty");
        }
    }

    private static boolean sameSampleShape(Tensor a, Tensor b) {
        if (a.rank() != b.rank()) {
            return false;
        }
        for (int d = 1; d < a.rank(); d++) {
            if (a.dim(d) != b.dim(d)) {
                return false;
            }
        }
        return true;
    }
}
