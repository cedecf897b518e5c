package org.modelkit.information.unique.internal;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** How well scores agree with a ground truth or flag planted samples: Pearson, Spearman, ROC AUC. */
final class Agreement {
    private Agreement() {
    }

    /** @return Pearson's correlation of two equally long series (NaN if one is constant) */
    static double pearson(double[] a, double[] b) {
        if (a.length != b.length || a.length < 2) {
            throw new IllegalArgumentException("series of " + a.length + " and " + b.length + " values");
        }
        double ma = Arrays.stream(a).average().orElse(0);
        double mb = Arrays.stream(b).average().orElse(0);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    /** @return Spearman's rank correlation (ties get their mean rank) */
    static double spearman(double[] a, double[] b) {
        return pearson(ranks(a), ranks(b));
    }

    /** @return the ranks 1..n of the values, ties sharing their mean rank */
    static double[] ranks(double[] v) {
        Integer[] order = IntStream.range(0, v.length).boxed().sorted(Comparator.comparingDouble(i -> v[i]))
                .toArray(Integer[]::new);
        double[] r = new double[v.length];
        for (int s = 0; s < order.length; ) {
            int e = s;
            while (e + 1 < order.length && v[order[e + 1]] == v[order[s]]) {
                e++;
            }
            double mean = (s + e) / 2.0 + 1;
            for (int q = s; q <= e; q++) {
                r[order[q]] = mean;
            }
            s = e + 1;
        }
        return r;
    }

    /**
     * @param score    higher means more suspect
     * @param positive which samples are the planted ones
     * @return the probability that a planted sample scores above a clean one (ties count half)
     * @throws IllegalArgumentException if there are no planted or no clean samples
     */
    static double auc(double[] score, boolean[] positive) {
        double[] r = ranks(score);
        long pos = 0;
        double sum = 0;
        for (int i = 0; i < score.length; i++) {
            if (positive[i]) {
                pos++;
                sum += r[i];
            }
        }
        long neg = score.length - pos;
        if (pos == 0 || neg == 0) {
            throw new IllegalArgumentException("the AUC needs planted and clean samples, got " + pos + " and " + neg);
        }
        return (sum - pos * (pos + 1) / 2.0) / (pos * (double) neg);
    }
}
