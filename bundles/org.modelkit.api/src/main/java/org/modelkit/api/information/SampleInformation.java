package org.modelkit.api.information;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Per-sample information estimates, in nats.
 *
 * @param weights  information each sample carries about the weights; finite, at least 0
 * @param function information each sample carries about the function (predictions); finite, at
 *                 least 0; same length as weights
 */
public record SampleInformation(double[] weights, double[] function) {
    /**
     * @throws IllegalArgumentException if an array is null, the lengths differ, or a value is
     *                                  negative or not finite
     */
    public SampleInformation {
        if (weights == null || function == null) {
            throw new IllegalArgumentException("weights and function must not be null");
        }
        if (weights.length != function.length) {
            throw new IllegalArgumentException("weights has " + weights.length + " entries, function has "
                    + function.length);
        }
        check(weights, "weights");
        check(function, "function");
        weights = weights.clone();
        function = function.clone();
    }

    private static void check(double[] a, String name) {
        for (int i = 0; i < a.length; i++) {
            if (!(Double.isFinite(a[i]) && a[i] >= 0)) {
                throw new IllegalArgumentException(name + "[" + i + "] is " + a[i] + "; it must be finite and >= 0");
            }
        }
    }

    /** @return a copy of the weight information */
    @Override
    public double[] weights() {
        return weights.clone();
    }

    /** @return a copy of the function information */
    @Override
    public double[] function() {
        return function.clone();
    }

    /**
     * @param k how many, at most the number of samples
     * @return the indices of the k samples with the most function information, most first (ties by index)
     * @throws IllegalArgumentException if k is negative or larger than the number of samples
     */
    public int[] mostInformative(int k) {
        if (k < 0 || k > function.length) {
            throw new IllegalArgumentException("k = " + k + " must lie in [0, " + function.length + "]");
        }
        return IntStream.range(0, function.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -function[i]).thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleInformation s && Arrays.equals(weights, s.weights) && Arrays.equals(function, s.function);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(weights) * 31 + Arrays.hashCode(function);
    }

    @Override
    public String toString() {
        return "SampleInformation[" + weights.length + " samples]";
    }
}
