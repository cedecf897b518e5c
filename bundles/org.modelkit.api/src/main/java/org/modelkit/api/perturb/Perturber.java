package org.modelkit.api.perturb;

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
}
