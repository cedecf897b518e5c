package org.modelkit.api.perturb;

import org.modelkit.api.data.Disparity;
import org.modelkit.api.data.StereoPair;

/**
 * @param perturbed the pair with the perturbation added (and clipped to [0, 1])
 * @param clean     the model's disparity on the clean pair
 * @param attacked  the model's disparity on the perturbed pair
 * @param linfNorm  the largest absolute change of any pixel value, at most the budget's epsilon
 */
public record Perturbation(StereoPair perturbed, Disparity clean, Disparity attacked, double linfNorm) {
    /** @throws IllegalArgumentException if a field is null, the maps differ in size, or the norm is negative */
    public Perturbation {
        if (perturbed == null || clean == null || attacked == null) {
            throw new IllegalArgumentException("perturbed, clean and attacked must not be null");
        }
        if (clean.width() != attacked.width() || clean.height() != attacked.height()) {
            throw new IllegalArgumentException("clean " + clean + " and attacked " + attacked + " differ in size");
        }
        if (!(linfNorm >= 0 && Double.isFinite(linfNorm))) {
            throw new IllegalArgumentException("linfNorm = " + linfNorm + " must be finite and >= 0");
        }
    }
}
