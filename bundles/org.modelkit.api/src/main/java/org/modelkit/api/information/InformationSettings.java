package org.modelkit.api.information;

/**
 * How the linearized training whose per-sample information is estimated runs: full-batch gradient
 * descent from w0 on the mean squared loss {@code ½‖f − y‖²} with weight decay towards w0.
 *
 * @param learningRate        the rate lr of the mean loss, finite and positive
 * @param steps               gradient descent steps t, at least 0; 0 means t = ∞ (the converged solution)
 * @param weightDecay         λ′ of the penalty {@code ½λ′‖w − w0‖²} on the mean loss, finite and at least 0
 * @param sigma               σ of the function's smoothing noise, finite and positive (F-SI is in nats of it)
 * @param weightSigma         σ_w of the weights' smoothing noise, finite and positive
 * @param projectionPerTensor random gradient coordinates kept per parameter tensor, at least 0 (0: all)
 * @param seed                the projection's seed
 */
public record InformationSettings(double learningRate, int steps, double weightDecay, double sigma, double weightSigma,
        int projectionPerTensor, long seed) {
    /** The notes' setting: lr 0.01, 600 steps, no weight decay, σ = σ_w = 1, 2,000 coordinates per tensor, seed 1. */
    public static final InformationSettings DEFAULTS = new InformationSettings(0.01, 600, 0, 1, 1, 2000, 1);

    /** @throws IllegalArgumentException naming the first field out of range */
    public InformationSettings {
        if (!(Double.isFinite(learningRate) && learningRate > 0)) {
            throw new IllegalArgumentException("learningRate = " + learningRate + " must be finite and positive");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("steps = " + steps + " must be at least 0 (0: infinitely many)");
        }
        if (!(Double.isFinite(weightDecay) && weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay = " + weightDecay + " must be finite and >= 0");
        }
        if (!(Double.isFinite(sigma) && sigma > 0)) {
            throw new IllegalArgumentException("sigma = " + sigma + " must be finite and positive");
        }
        if (!(Double.isFinite(weightSigma) && weightSigma > 0)) {
            throw new IllegalArgumentException("weightSigma = " + weightSigma + " must be finite and positive");
        }
        if (projectionPerTensor < 0) {
            throw new IllegalArgumentException("projectionPerTensor = " + projectionPerTensor + " must be at least 0 (0: none)");
        }
    }

    /** @return whether t = ∞ */
    public boolean converged() {
        return steps == 0;
    }
}
