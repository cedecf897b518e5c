package org.modelkit.compute.api.normalizer;

/**
 * The teacher's EMA momentum over training: constant (FixMatch, MoCo: 0.999), or BYOL's cosine
 * schedule from a base value up to 1: {@code m_k = 1 - (1 - base)·(cos(π k/K) + 1)/2}.
 *
 * @param base   the momentum at step 0, in [0, 1]
 * @param cosine whether it rises to 1 by BYOL's cosine schedule
 */
public record MomentumSchedule(double base, boolean cosine) {
    /** @throws IllegalArgumentException if base is outside [0, 1] */
    public MomentumSchedule {
        if (!(base >= 0 && base <= 1)) {
            throw new IllegalArgumentException("momentum base " + base + " must lie in [0, 1]");
        }
    }

    /**
     * @param step  k, the current step, in [0, total]
     * @param total K, the number of steps, at least 1
     * @return the momentum for this step
     * @throws IllegalArgumentException if step or total is out of range
     */
    public double at(long step, long total) {
        if (total < 1 || step < 0 || step > total) {
            throw new IllegalArgumentException("step " + step + " of " + total + " is out of range");
        }
        return cosine ? 1 - (1 - base) * (Math.cos(Math.PI * step / total) + 1) / 2 : base;
    }
}
