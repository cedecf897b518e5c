package org.modelkit.api.perturb;

import java.nio.file.Path;
import org.modelkit.api.data.Disparity;
import org.modelkit.api.data.StereoPair;
import org.modelkit.api.method.Method;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.progress.Progress;
import org.osgi.annotation.versioning.ProviderType;

/** Computes adversarial perturbations of a stereo pair against a disparity network. */
@ProviderType
public interface Perturber extends Method {
    /**
     * @param pair     the clean stereo pair
     * @param model    the disparity network under attack; not changed
     * @param budget   the attack and its bound
     * @param progress receives progress and may cancel
     * @return the perturbed pair and the disparities before and after
     * @throws IllegalArgumentException if the pair does not fit the model or the attack is unknown
     * @throws java.io.UncheckedIOException if the model cannot be read
     * @throws org.modelkit.api.progress.CancelledException if cancelled
     */
    Perturbation perturb(StereoPair pair, ModelHandle model, PerturbationBudget budget, Progress progress);

    /**
     * Attacks the network in a model directory.
     *
     * @param pair        the clean stereo pair
     * @param groundTruth the disparity the attack moves the network away from, the pair's size; null attacks the
     *                    network's own clean output
     * @param model       a model directory the perturber reads; not changed
     * @param spec        the attack
     * @param progress    receives progress per step and may cancel
     * @return the perturbed pair, the perturbations and the disparities before and after
     * @throws IllegalArgumentException naming the input and the problem (pair and ground truth of other sizes,
     *                                  ground truth without a valid pixel, an unknown attack, a model of another kind)
     * @throws java.io.UncheckedIOException if the model cannot be read
     * @throws org.modelkit.api.progress.CancelledException if cancelled
     * @since 1.1
     */
    AttackResult perturb(StereoPair pair, Disparity groundTruth, Path model, AttackSpec spec, Progress progress);

    /**
     * The network's disparity for a pair.
     *
     * @param pair  the stereo pair
     * @param model a model directory; not changed
     * @return the disparity of the left image
     * @throws IllegalArgumentException if the model is of another kind or the pair does not fit it
     * @throws java.io.UncheckedIOException if the model cannot be read
     * @since 1.1
     */
    Disparity disparity(StereoPair pair, Path model);
}
