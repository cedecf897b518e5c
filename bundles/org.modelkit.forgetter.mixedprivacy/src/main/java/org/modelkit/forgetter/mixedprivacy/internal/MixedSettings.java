package org.modelkit.forgetter.mixedprivacy.internal;

/**
 * The forgetter's settings, checked.
 *
 * @param alpha            target scale α
 * @param lambda           weight decay λ of the user weights
 * @param sigma            noise standard deviation σ
 * @param linearizedLayers the last k layers hold the user weights
 * @param cgTolerance      relative residual at which conjugate gradients stop
 * @param maxIterations    conjugate-gradient iteration cap
 * @param direct           solve by Cholesky (the dual or primal normal equations, whichever is smaller)
 *                         instead of conjugate gradients
 * @param kfac             whether K-FAC preconditions the conjugate-gradient solve
 * @param epochs           SGD epochs for the user weights
 * @param batchSize        SGD mini-batch
 * @param momentum         SGD momentum
 * @param learningRate     SGD step size; 0: 1/λ_max(H) from power iteration
 * @param seed             the SGD shuffle seed
 * @param noiseSeed        the noise seed, or null for a SecureRandom
 * @param auditDir         the audit folder, or empty for audit/ beside the store root
 */
record MixedSettings(double alpha, double lambda, double sigma, int linearizedLayers, double cgTolerance, int maxIterations,
        boolean direct, boolean kfac, int epochs, int batchSize, double momentum, double learningRate, long seed, Long noiseSeed,
        String auditDir) {
    /** The defaults of {@link ForgetConfig}, with noise seed 1 (tests and benchmarks). */
    static final MixedSettings DEFAULTS = new MixedSettings(5, 1e-3, 0.01, 2, 1e-10, 5000, false, false, 30, 32, 0.9, 0, 1, 1L,
            "");

    /** @throws IllegalArgumentException naming the setting and its value */
    MixedSettings {
        positive("alpha", alpha);
        positive("lambda", lambda);
        positive("sigma", sigma);
        positive("cgTolerance", cgTolerance);
        if (linearizedLayers < 1) {
            throw new IllegalArgumentException("linearizedLayers = " + linearizedLayers + " must be at least 1");
        }
        if (maxIterations < 1 || epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("maxIterations = " + maxIterations + ", epochs = " + epochs
                    + " and batchSize = " + batchSize + " must be at least 1");
        }
        if (!(momentum >= 0 && momentum < 1) || !(learningRate >= 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException("momentum = " + momentum + " must lie in [0, 1) and learningRate = "
                    + learningRate + " be finite and >= 0");
        }
        auditDir = auditDir == null ? "" : auditDir;
    }

    private static void positive(String name, double v) {
        if (!(v > 0 && Double.isFinite(v))) {
            throw new IllegalArgumentException(name + " = " + v + " must be finite and > 0");
        }
    }

    /** @return the settings of a configuration */
    static MixedSettings of(ForgetConfig c) {
        if (!c.solver().equals("cg") && !c.solver().equals("direct")) {
            throw new IllegalArgumentException("solver '" + c.solver() + "' must be cg or direct");
        }
        if (!c.preconditioner().equals("none") && !c.preconditioner().equals("kfac")) {
            throw new IllegalArgumentException("preconditioner '" + c.preconditioner() + "' must be none or kfac");
        }
        Long seed;
        try {
            seed = c.noiseSeed().isBlank() ? null : Long.valueOf(c.noiseSeed().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("noiseSeed '" + c.noiseSeed() + "' must be a whole number or empty");
        }
        return new MixedSettings(c.alpha(), c.lambda(), c.sigma(), c.linearizedLayers(), c.cgTolerance(), c.maxIterations(),
                c.solver().equals("direct"), c.preconditioner().equals("kfac"), c.epochs(), 32, 0.9, 0, 1, seed, c.audit_dir());
    }

    /** @return these settings with another σ */
    MixedSettings withSigma(double s) {
        return new MixedSettings(alpha, lambda, s, linearizedLayers, cgTolerance, maxIterations, direct, kfac, epochs,
                batchSize, momentum, learningRate, seed, noiseSeed, auditDir);
    }

    /** @return these settings with conjugate gradients to another tolerance and iteration cap */
    MixedSettings withSolve(double tolerance, int iterations, boolean preconditioned) {
        return new MixedSettings(alpha, lambda, sigma, linearizedLayers, tolerance, iterations, false, preconditioned, epochs,
                batchSize, momentum, learningRate, seed, noiseSeed, auditDir);
    }

    /** @return these settings with the direct solver */
    MixedSettings withDirect() {
        return new MixedSettings(alpha, lambda, sigma, linearizedLayers, cgTolerance, maxIterations, true, kfac, epochs,
                batchSize, momentum, learningRate, seed, noiseSeed, auditDir);
    }
}
