package org.modelkit.api.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded sampling that every method and command shares: one Fisher-Yates shuffle, and the two
 * class-stratified draws the commands use (a fraction of each class's labels kept, as semi-supervised
 * training needs; a fixed number of samples per class, as few-shot fine-tuning needs). The same seed
 * gives the same result on every machine.
 */
public final class Sampling {
    private Sampling() {
    }

    /**
     * Shuffles in place (Fisher-Yates, from the last position down).
     *
     * @param a      the values
     * @param random the source of randomness
     */
    public static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * @param n how many
     * @return {@code 0, 1, ..., n-1}
     */
    public static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /**
     * @param n      how many
     * @param random the source of randomness
     * @return a random permutation of {@code 0..n-1}
     */
    public static int[] permutation(int n, Random random) {
        int[] r = range(n);
        shuffle(r, random);
        return r;
    }

    /**
     * Up to {@code perClass} random samples of every class (all of a class that has fewer).
     *
     * @param set      the samples
     * @param perClass how many per class, at least 1
     * @param seed     the seed
     * @return the drawn samples, in their original order
     * @throws IllegalArgumentException if perClass is below 1
     */
    public static LabelledSet perClass(LabelledSet set, int perClass, long seed) {
        if (perClass < 1) {
            throw new IllegalArgumentException("perClass " + perClass + " must be at least 1");
        }
        int[] count = new int[set.classCount()];
        List<Integer> keep = new ArrayList<>();
        for (int i : permutation(set.size(), new Random(seed))) {
            if (count[set.label(i)]++ < perClass) {
                keep.add(i);
            }
        }
        return set.select(keep.stream().mapToInt(Integer::intValue).sorted().toArray());
    }

    /**
     * Splits a set into the samples whose labels are kept and the rest: of every class,
     * round(fraction · its count) random samples, at least one.
     *
     * @param set      the samples
     * @param fraction the share of each class kept, in (0, 1]
     * @param seed     the seed
     * @return the kept indices and the other indices, each ascending
     * @throws IllegalArgumentException if fraction is outside (0, 1]
     */
    public static int[][] stratified(LabelledSet set, double fraction, long seed) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction " + fraction + " must lie in (0, 1]");
        }
        int[] order = permutation(set.size(), new Random(seed));
        int[] count = new int[set.classCount()];
        for (int i = 0; i < set.size(); i++) {
            count[set.label(i)]++;
        }
        int[] keep = new int[count.length];
        for (int c = 0; c < count.length; c++) {
            keep[c] = count[c] == 0 ? 0 : Math.max(1, (int) Math.round(fraction * count[c]));
        }
        List<Integer> labelled = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (int i : order) {
            int c = set.label(i);
            if (keep[c] > 0) {
                keep[c]--;
                labelled.add(i);
            } else {
                rest.add(i);
            }
        }
        return new int[][] {labelled.stream().mapToInt(Integer::intValue).sorted().toArray(),
            rest.stream().mapToInt(Integer::intValue).sorted().toArray()};
    }
}
