package org.modelkit.perturber.stereo.internal;

/**
 * The authors' figures of a disparity estimate (their {@code validate}), each a mean over pairs of the per-pair
 * value on the pixels with ground truth.
 *
 * @param epe  mean absolute error in pixels (end-point error)
 * @param rmse root mean square error in pixels
 * @param d1   per cent of pixels with {@code |e| > 3 px} and {@code |e| / gt > 5 %} (KITTI's D1)
 * @param bad1 per cent of pixels with {@code |e| > 1 px}
 */
record DisparityMetrics(double epe, double rmse, double d1, double bad1) {
    /**
     * @param predicted disparities, {@code n·size}
     * @param truth     ground truth of the same layout, NaN where unknown
     * @param n         pairs
     * @return the means over the pairs that have ground truth
     * @throws IllegalArgumentException if no pixel has ground truth
     */
    static DisparityMetrics of(float[] predicted, float[] truth, int n) {
        int size = truth.length / n;
        double epe = 0;
        double rmse = 0;
        double d1 = 0;
        double bad1 = 0;
        int pairs = 0;
        for (int s = 0; s < n; s++) {
            double a = 0;
            double q = 0;
            int outliers = 0;
            int bad = 0;
            int valid = 0;
            for (int i = s * size; i < (s + 1) * size; i++) {
                if (Float.isNaN(truth[i])) {
                    continue;
                }
                double e = Math.abs(predicted[i] - truth[i]);
                a += e;
                q += e * e;
                if (e > 3 && e > 0.05 * truth[i]) {
                    outliers++;
                }
                if (e > 1) {
                    bad++;
                }
                valid++;
            }
            if (valid > 0) {
                epe += a / valid;
                rmse += Math.sqrt(q / valid);
                d1 += 100.0 * outliers / valid;
                bad1 += 100.0 * bad / valid;
                pairs++;
            }
        }
        if (pairs == 0) {
            throw new IllegalArgumentException("the ground truth has no valid pixel");
        }
        return new DisparityMetrics(epe / pairs, rmse / pairs, d1 / pairs, bad1 / pairs);
    }

    /**
     * The perturbation's size: the fraction of values changed and their mean absolute change.
     *
     * @param l0 mean fraction of values with δ ≠ 0
     * @param l1 mean |δ| per value
     * @param linf largest |δ|
     */
    record Noise(double l0, double l1, double linf) {
        static Noise of(float[]... deltas) {
            long n = 0;
            long changed = 0;
            double sum = 0;
            double max = 0;
            for (float[] d : deltas) {
                for (float v : d) {
                    n++;
                    if (v != 0) {
                        changed++;
                    }
                    sum += Math.abs(v);
                    max = Math.max(max, Math.abs(v));
                }
            }
            return new Noise((double) changed / n, sum / n, max);
        }
    }
}
