package org.modelkit.information.unique.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;

/** What the command does to a data set before estimating: pick classes, flip labels with a seed. */
final class Selection {
    private Selection() {
    }

    /**
     * @param set     the samples
     * @param classes the labels to keep, in the order of the model's outputs
     * @param what    how the set is named in an error
     * @return the kept samples, labels renumbered 0, 1, ... in the order given, class names kept
     * @throws IllegalArgumentException if a class repeats or no sample has one of them
     */
    static LabelledSet classes(LabelledSet set, int[] classes, String what) {
        List<Integer> keep = new ArrayList<>();
        int[] map = new int[Math.max(set.classCount(), Arrays.stream(classes).max().orElse(0) + 1)];
        Arrays.fill(map, -1);
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0 || map[classes[i]] >= 0) {
                throw new IllegalArgumentException("--classes: " + classes[i] + (classes[i] < 0 ? " is negative" : " is named twice"));
            }
            map[classes[i]] = i;
        }
        int[] found = new int[classes.length];
        for (int i = 0; i < set.size(); i++) {
            int y = set.label(i);
            if (y < map.length && map[y] >= 0) {
                keep.add(i);
                found[map[y]]++;
            }
        }
        for (int c = 0; c < classes.length; c++) {
            if (found[c] == 0) {
                throw new IllegalArgumentException("--classes: the " + what + " data has no sample of class " + classes[c]);
            }
        }
        int[] rows = keep.stream().mapToInt(Integer::intValue).toArray();
        LabelledSet picked = set.select(rows);
        int[] labels = new int[rows.length];
        List<String> names = new ArrayList<>();
        for (int c : classes) {
            names.add(c < set.classCount() ? set.classNames().get(c) : Integer.toString(c));
        }
        for (int i = 0; i < rows.length; i++) {
            labels[i] = map[picked.label(i)];
        }
        return new LabelledSet(picked.features(), labels, names);
    }

    /**
     * @param set      the samples, labels below {@code classes}
     * @param fraction the fraction of labels to flip, in [0, 1]
     * @param classes  the number of classes (2 for a binary model)
     * @param seed     which samples, and for more than 2 classes which wrong label
     * @return the set with round(fraction·n) labels replaced by another class, and which
     */
    static Flipped flip(LabelledSet set, double fraction, int classes, long seed) {
        int n = set.size();
        int count = (int) Math.round(fraction * n);
        Random rnd = new Random(seed);
        int[] order = Sampling.permutation(n, rnd);
        int[] labels = set.labels();
        boolean[] flipped = new boolean[n];
        for (int q = 0; q < count; q++) {
            int i = order[q];
            int wrong = classes == 2 ? 1 - labels[i] : (labels[i] + 1 + rnd.nextInt(classes - 1)) % classes;
            labels[i] = wrong;
            flipped[i] = true;
        }
        List<String> names = set.classNames().size() >= classes ? set.classNames() : numbered(classes);
        return new Flipped(new LabelledSet(set.features(), labels, names), flipped);
    }

    private static List<String> numbered(int classes) {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            out.add(Integer.toString(c));
        }
        return out;
    }

    /**
     * @param set     the samples with the flipped labels
     * @param flipped which were flipped
     */
    record Flipped(LabelledSet set, boolean[] flipped) {
    }
}
