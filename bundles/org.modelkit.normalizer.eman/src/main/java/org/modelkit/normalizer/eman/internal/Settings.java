package org.modelkit.normalizer.eman.internal;

/**
 * The settings of a student-teacher job, checked; see {@link TeachConfig} for their meaning.
 */
record Settings(double threshold, int unlabelledRatio, double lambdaU, int batchSize, double learningRate,
        double weightDecay, double emaMomentum, boolean cosineMomentum, boolean emaWarmup, int queueSize, double temperature,
        int embeddingDim, int knn, int evalBatchSize) {
    /** The defaults of {@link TeachConfig}. */
    static final Settings DEFAULTS = new Settings(0.7, 5, 1.0, 32, 0.03, 5e-4, 0.99, false, true, 4096, 0.2, 64, 20, 256);

    /** @throws IllegalArgumentException naming the first setting out of range */
    Settings {
        check(threshold >= 0 && threshold <= 1, "threshold", threshold, "must lie in [0, 1]");
        check(unlabelledRatio >= 1, "unlabelledRatio", unlabelledRatio, "must be at least 1");
        check(lambdaU >= 0 && Double.isFinite(lambdaU), "lambdaU", lambdaU, "must be finite and >= 0");
        check(batchSize >= 2, "batchSize", batchSize, "must be at least 2");
        check(learningRate > 0 && Double.isFinite(learningRate), "learningRate", learningRate, "must be finite and > 0");
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay", weightDecay, "must be finite and >= 0");
        check(emaMomentum >= 0 && emaMomentum <= 1, "emaMomentum", emaMomentum, "must lie in [0, 1]");
        check(queueSize >= batchSize && queueSize % batchSize == 0, "queueSize", queueSize,
                "must be a multiple of batchSize (" + batchSize + ")");
        check(temperature > 0 && Double.isFinite(temperature), "temperature", temperature, "must be finite and > 0");
        check(embeddingDim >= 2, "embeddingDim", embeddingDim, "must be at least 2");
        check(knn >= 1, "knn", knn, "must be at least 1");
        check(evalBatchSize >= 1, "evalBatchSize", evalBatchSize, "must be at least 1");
    }

    static Settings of(TeachConfig c) {
        return new Settings(c.threshold(), c.unlabelledRatio(), c.lambdaU(), c.batchSize(), c.learningRate(),
                c.weightDecay(), c.emaMomentum(), c.cosineMomentum(), c.emaWarmup(), c.queueSize(), c.temperature(), c.embeddingDim(),
                c.knn(), c.evalBatchSize());
    }

    private static void check(boolean ok, String name, Object value, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(name + " = " + value + " " + problem);
        }
    }
}
