package org.modelkit.api.perturb;

/**
 * @param attack  the attack's name, for example "fgsm", "ifgsm" or "mifgsm"
 * @param epsilon the L-infinity bound on the perturbation, in the [0, 1] intensity units of
 *                {@link org.modelkit.api.data.Frame}; in (0, 1]
 * @param steps   number of iterations, at least 1 (1 for single-step attacks)
 */
public record PerturbationBudget(String attack, double epsilon, int steps) {
    /** @throws IllegalArgumentException naming the field out of range */
    public PerturbationBudget {
        if (attack == null || attack.isBlank()) {
            throw new IllegalArgumentException("attack must name an attack");
        }
        if (!(epsilon > 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon = " + epsilon + " must lie in (0, 1]");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps = " + steps + " must be at least 1");
        }
    }
}
