package org.modelkit.api.congruent;

/**
 * How a new model's predictions compare with a reference model's on labelled samples.
 *
 * @param samples           number of samples compared, at least 1
 * @param referenceAccuracy fraction the reference got right
 * @param newAccuracy       fraction the new model got right
 * @param negativeFlipRate  fraction the reference got right and the new model gets wrong (NFR)
 * @param positiveFlipRate  fraction the reference got wrong and the new model gets right
 */
public record FlipMetrics(int samples, double referenceAccuracy, double newAccuracy, double negativeFlipRate,
        double positiveFlipRate) {
    /** @throws IllegalArgumentException if samples is below 1 or a rate lies outside [0, 1] */
    public FlipMetrics {
        if (samples < 1) {
            throw new IllegalArgumentException("samples = " + samples + " must be at least 1");
        }
        double[] rates = {referenceAccuracy, newAccuracy, negativeFlipRate, positiveFlipRate};
        for (double r : rates) {
            if (!(r >= 0 && r <= 1)) {
                throw new IllegalArgumentException("rate " + r + " must lie in [0, 1]");
            }
        }
    }

    /**
     * Computes the metrics from predictions.
     *
     * @param truth     true labels
     * @param reference the reference model's predicted labels, same length
     * @param updated   the new model's predicted labels, same length
     * @return the metrics
     * @throws IllegalArgumentException if an array is null or empty, or the lengths differ
     */
    public static FlipMetrics of(int[] truth, int[] reference, int[] updated) {
        if (truth == null || reference == null || updated == null) {
            throw new IllegalArgumentException("truth, reference and updated must not be null");
        }
        if (truth.length == 0 || truth.length != reference.length || truth.length != updated.length) {
            throw new IllegalArgumentException("truth, reference and updated must be non-empty and of equal length, got "
                    + truth.length + ", " + reference.length + ", " + updated.length);
        }
        int refOk = 0;
        int newOk = 0;
        int neg = 0;
        int pos = 0;
        for (int i = 0; i < truth.length; i++) {
            boolean r = reference[i] == truth[i];
            boolean u = updated[i] == truth[i];
            refOk += r ? 1 : 0;
            newOk += u ? 1 : 0;
            neg += r && !u ? 1 : 0;
            pos += !r && u ? 1 : 0;
        }
        double n = truth.length;
        return new FlipMetrics(truth.length, refOk / n, newOk / n, neg / n, pos / n);
    }

    /** @return the error rate of the reference, 1 − referenceAccuracy */
    public double referenceErrorRate() {
        return 1 - referenceAccuracy;
    }

    /** @return the error rate of the new model, 1 − newAccuracy */
    public double newErrorRate() {
        return 1 - newAccuracy;
    }

    /**
     * The negative flip rate relative to what independent errors would give: NFR / ((1 − ER_old)·ER_new).
     *
     * @return the relative NFR, or NaN when the reference is always wrong or the new model never is
     * @since 1.1
     */
    public double relativeNegativeFlipRate() {
        double d = referenceAccuracy * newErrorRate();
        return d > 0 ? negativeFlipRate / d : Double.NaN;
    }

    /**
     * The share of the new model's errors that are negative flips: NFR / ER_new.
     *
     * @return the negative flip impact, or NaN when the new model makes no error
     * @since 1.1
     */
    public double negativeFlipImpact() {
        return newErrorRate() > 0 ? negativeFlipRate / newErrorRate() : Double.NaN;
    }
}
