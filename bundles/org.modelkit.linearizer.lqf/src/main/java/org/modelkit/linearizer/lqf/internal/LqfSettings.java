package org.modelkit.linearizer.lqf.internal;

/**
 * The constants of LQF fine-tuning, checked; see {@link FineTuneConfig} for their meaning. No reference
 * code exists for LQF: these are the reconstruction's choices (bundle README).
 */
record LqfSettings(double alpha, double weightDecay, double damping, double kfacRate, double gdRate, double headScale,
        int evalBatchSize) {
    static final LqfSettings DEFAULTS = new LqfSettings(1.0, 1e-4, 1e-3, 0, 0, 0.01, 256);

    /** @throws IllegalArgumentException naming the first setting out of range */
    LqfSettings {
        check(alpha > 0 && Double.isFinite(alpha), "alpha", alpha, "must be finite and > 0");
        check(weightDecay > 0 && Double.isFinite(weightDecay), "weightDecay", weightDecay,
                "must be finite and > 0 (it makes the optimum unique)");
        check(damping > 0 && Double.isFinite(damping), "damping", damping, "must be finite and > 0");
        check(kfacRate >= 0 && Double.isFinite(kfacRate), "kfacRate", kfacRate, "must be finite and >= 0 (0: exact line search)");
        check(headScale >= 0 && Double.isFinite(headScale), "headScale", headScale,
                "must be finite and >= 0 (0: the head starts as the linear probe)");
        check(gdRate >= 0 && Double.isFinite(gdRate), "gdRate", gdRate, "must be finite and >= 0 (0: the largest stable)");
        check(evalBatchSize >= 1, "evalBatchSize", evalBatchSize, "must be at least 1");
    }

    static LqfSettings of(FineTuneConfig c) {
        return new LqfSettings(c.alpha(), c.weightDecay(), c.damping(), c.kfacRate(), c.gdRate(), c.headScale(), c.evalBatchSize());
    }

    private static void check(boolean ok, String name, Object value, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(name + " = " + value + " " + problem);
        }
    }
}
