package org.modelkit.api.perturb;

import org.modelkit.api.data.Disparity;
import org.modelkit.api.data.StereoPair;
import org.modelkit.api.data.Tensor;

/**
 * What an attack did: the perturbed pair, the perturbations, and the network's disparity before and after.
 *
 * @param perturbed  the pair with the perturbation added, in [0, 1]
 * @param deltaLeft  δ of the left image, {@code perturbed.left − clean.left}, shape {@code [height, width, channels]}
 * @param deltaRight δ of the right image, same shape
 * @param clean      the network's disparity on the clean pair
 * @param attacked   the network's disparity on the perturbed pair
 */
public record AttackResult(StereoPair perturbed, Tensor deltaLeft, Tensor deltaRight, Disparity clean,
        Disparity attacked) {
    /** @throws IllegalArgumentException if a field is null or the shapes do not agree */
    public AttackResult {
        if (perturbed == null || deltaLeft == null || deltaRight == null || clean == null || attacked == null) {
            throw new IllegalArgumentException("perturbed, deltaLeft, deltaRight, clean and attacked must not be null");
        }
        int[] shape = {perturbed.height(), perturbed.width(), perturbed.left().channels()};
        if (!java.util.Arrays.equals(deltaLeft.shape(), shape) || !java.util.Arrays.equals(deltaRight.shape(), shape)) {
            throw new IllegalArgumentException("the perturbations must have the pair's shape " + java.util.Arrays.toString(shape));
        }
        if (clean.width() != attacked.width() || clean.height() != attacked.height()) {
            throw new IllegalArgumentException("clean " + clean + " and attacked " + attacked + " differ in size");
        }
    }

    /** @return the largest |δ| over both images */
    public double linfNorm() {
        return Math.max(max(deltaLeft), max(deltaRight));
    }

    private static double max(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) {
            m = Math.max(m, Math.abs(t.getFlat(i)));
        }
        return m;
    }

    /** @return the result in the 1.0 form */
    public Perturbation toPerturbation() {
        return new Perturbation(perturbed, clean, attacked, linfNorm());
    }
}
