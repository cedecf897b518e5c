package org.modelkit.api.perturb;

import java.util.Locale;

/**
 * One adversarial attack on a stereo pair (Stereopagnosia, arXiv:2009.10142): the attack, its L-infinity
 * bound and step rule, the image(s) it may change, and the seed of its random parts.
 *
 * @param attack    the attack's name: "fgsm", "ifgsm", "mifgsm" (gradient attacks) or "uniform",
 *                  "gaussian" (noise baselines); a perturber names the ones it knows when refusing another
 * @param epsilon   the L-infinity bound on the perturbation, in the [0, 1] intensity units of
 *                  {@link org.modelkit.api.data.Frame}; in (0, 1]
 * @param steps     iterations of the iterative attacks, at least 1 (FGSM and the baselines take one)
 * @param alpha     the step size of the iterative attacks, &gt; 0
 * @param momentum  MI-FGSM's μ in [0, 1): {@code g ← μ·g + (1 − μ)·∇/‖∇‖₁}
 * @param target    which image(s) the attack changes
 * @param diversity the probability in [0, 1] of a diverse-input (DI²) resize and pad at each step; 0 turns it off
 * @param seed      the seed of the noise baselines and of the diverse inputs
 */
public record AttackSpec(String attack, double epsilon, int steps, double alpha, double momentum, Target target,
        double diversity, long seed) {
    /** The paper's iterations for I-FGSM and MI-FGSM. */
    public static final int DEFAULT_STEPS = 40;
    /** The paper's MI-FGSM momentum. */
    public static final double DEFAULT_MOMENTUM = 0.47;

    /** The image(s) an attack changes; the other keeps δ = 0. */
    public enum Target {
        /** both images */
        BOTH,
        /** the left image only */
        LEFT,
        /** the right image only */
        RIGHT;

        /**
         * @param name "both", "left" or "right", any case
         * @return the target
         * @throws IllegalArgumentException naming the value and the known ones
         */
        public static Target parse(String name) {
            for (Target t : values()) {
                if (t.label().equalsIgnoreCase(name == null ? "" : name.trim())) {
                    return t;
                }
            }
            throw new IllegalArgumentException("mode '" + name + "' is not one of both, left, right");
        }

        /** @return the lower-case name */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** @throws IllegalArgumentException naming the field out of range */
    public AttackSpec {
        if (attack == null || attack.isBlank()) {
            throw new IllegalArgumentException("attack must name an attack");
        }
        attack = attack.trim().toLowerCase(Locale.ROOT);
        if (!(epsilon > 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon = " + epsilon + " must lie in (0, 1]");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps = " + steps + " must be at least 1");
        }
        if (!(alpha > 0 && Double.isFinite(alpha))) {
            throw new IllegalArgumentException("alpha = " + alpha + " must be finite and > 0");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum = " + momentum + " must lie in [0, 1)");
        }
        if (target == null) {
            throw new IllegalArgumentException("target must be both, left or right");
        }
        if (!(diversity >= 0 && diversity <= 1)) {
            throw new IllegalArgumentException("diversity = " + diversity + " must lie in [0, 1]");
        }
    }

    /**
     * The paper's settings for an attack and bound: 40 steps, {@link #defaultAlpha(double)}, μ = 0.47, both
     * images, no diverse inputs, seed 1.
     *
     * @param attack  the attack's name
     * @param epsilon the bound
     * @return the specification
     * @throws IllegalArgumentException naming the field out of range
     */
    public static AttackSpec of(String attack, double epsilon) {
        return new AttackSpec(attack, epsilon, DEFAULT_STEPS, defaultAlpha(epsilon), DEFAULT_MOMENTUM, Target.BOTH, 0, 1);
    }

    /**
     * The step size the paper's scripts pair with a bound: 5e-5, 1.25e-4, 2.5e-4 and 2e-3 for ε = 0.002, 0.005,
     * 0.01 and 0.02 (note 40·2e-3 &gt; 0.02); ε/40 for any other ε.
     *
     * @param epsilon the bound
     * @return the step size
     */
    public static double defaultAlpha(double epsilon) {
        double[][] table = {{0.002, 5e-5}, {0.005, 1.25e-4}, {0.01, 2.5e-4}, {0.02, 2e-3}};
        for (double[] row : table) {
            if (Math.abs(epsilon - row[0]) < 1e-12) {
                return row[1];
            }
        }
        return epsilon / DEFAULT_STEPS;
    }

    /**
     * @param e another bound
     * @return this attack at bound {@code e}, with that bound's default step size
     */
    public AttackSpec withEpsilon(double e) {
        return new AttackSpec(attack, e, steps, defaultAlpha(e), momentum, target, diversity, seed);
    }

    /**
     * @param a another attack
     * @return that attack with this specification's other settings
     */
    public AttackSpec withAttack(String a) {
        return new AttackSpec(a, epsilon, steps, alpha, momentum, target, diversity, seed);
    }

    /**
     * @param t another target
     * @return this attack on that target
     */
    public AttackSpec withTarget(Target t) {
        return new AttackSpec(attack, epsilon, steps, alpha, momentum, t, diversity, seed);
    }
}
