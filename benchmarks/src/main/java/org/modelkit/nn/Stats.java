package org.modelkit.nn;

import java.util.Locale;

/** Figures for the benchmark tables. */
public final class Stats {
    private Stats() {
    }

    /**
     * @param v values, at least one
     * @return "mean ± sample standard deviation", three decimals
     */
    public static String meanSd(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x / v.length;
        }
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean) / Math.max(1, v.length - 1);
        }
        return String.format(Locale.ROOT, "%.3f ± %.3f", mean, Math.sqrt(var));
    }
}
