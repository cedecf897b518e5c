package org.modelkit.api.data;

import java.util.Arrays;
import java.util.List;

/**
 * Samples with integer class labels: a feature tensor whose first dimension indexes the samples, and
 * one label per sample.
 *
 * <p>For images, features have shape {@code [n, channels, height, width]} (or {@code [n, height,
 * width]} for grey) with values usually scaled to {@code [0, 1]}; for tabular data {@code [n,
 * features]}. Labels lie in {@code [0, classNames.size())}. Immutable.
 *
 * @param features   the samples, rank at least 1, first dimension = number of samples
 * @param labels     one class index per sample
 * @param classNames the name of each class, at least one; index = label
 */
public record LabelledSet(Tensor features, int[] labels, List<String> classNames) {

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if an argument is null, the features have rank 0, the number of
     *                                  labels differs from the number of samples, there are no classes,
     *                                  or a label is outside {@code [0, classNames.size())}
     */
    public LabelledSet {
        Checks.notNull(features, "features");
        Checks.notNull(labels, "labels");
        Checks.notNull(classNames, "classNames");
        if (features.rank() == 0) {
            throw new IllegalArgumentException("features must have rank at least 1 (samples first), got a scalar");
        }
        if (labels.length != features.dim(0)) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries but features has "
                    + features.dim(0) + " samples");
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("classNames must name at least one class");
        }
        classNames = List.copyOf(classNames);
        labels = labels.clone();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is outside [0, "
                        + classNames.size() + ")");
            }
        }
    }

    /**
     * A set whose classes are named "0", "1", ... up to the largest label.
     *
     * @param features the samples, first dimension = number of samples
     * @param labels   non-negative class indices, one per sample
     * @return the set
     * @throws IllegalArgumentException as for the canonical constructor, or if a label is negative
     */
    public static LabelledSet withNumberedClasses(Tensor features, int[] labels) {
        Checks.notNull(labels, "labels");
        int max = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is negative");
            }
            max = Math.max(max, labels[i]);
        }
        String[] names = new String[Math.max(1, max + 1)];
        for (int c = 0; c < names.length; c++) {
            names[c] = Integer.toString(c);
        }
        return new LabelledSet(features, labels, List.of(names));
    }

    /** @return a copy of the labels */
    @Override
    public int[] labels() {
        return labels.clone();
    }

    /**
     * @param i a sample index
     * @return the label of sample i
     */
    public int label(int i) {
        return labels[i];
    }

    /** @return the number of samples */
    public int size() {
        return labels.length;
    }

    /** @return the number of classes */
    public int classCount() {
        return classNames.size();
    }

    /**
     * Selects samples by index.
     *
     * @param indices sample indices, each in {@code [0, size())}
     * @return a new set with the same class names
     * @throws IllegalArgumentException if an index is out of range
     */
    public LabelledSet select(int[] indices) {
        Tensor f = features.select(indices);
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            l[i] = labels[indices[i]];
        }
        return new LabelledSet(f, l, classNames);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelledSet s && features.equals(s.features) && Arrays.equals(labels, s.labels)
                && classNames.equals(s.classNames);
    }

    @Override
    public int hashCode() {
        return (features.hashCode() * 31 + Arrays.hashCode(labels)) * 31 + classNames.hashCode();
    }

    @Override
    public String toString() {
        return "LabelledSet[" + size() + " samples of " + features + ", " + classCount() + " classes]";
    }

    /**
     * @param predicted a predicted class per sample, in order
     * @return the fraction of samples predicted correctly
     * @throws IllegalArgumentException if the counts differ
     */
    public double accuracy(int[] predicted) {
        return agreement(predicted, labels);
    }

    /**
     * @param rows      samples of this set
     * @param predicted a predicted class for each of them
     * @return how many of them are predicted correctly (for accuracy summed over batches)
     * @throws IllegalArgumentException if the counts differ or a row is out of range
     */
    public int correct(int[] rows, int[] predicted) {
        if (rows.length != predicted.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + rows.length + " rows");
        }
        int ok = 0;
        for (int i = 0; i < rows.length; i++) {
            ok += predicted[i] == label(rows[i]) ? 1 : 0;
        }
        return ok;
    }

    /**
     * The one accuracy function: the fraction of positions where two label sequences agree.
     *
     * @param predicted predicted classes
     * @param truth     true classes, as many
     * @return the fraction of equal positions (0 for empty sequences)
     * @throws IllegalArgumentException if the lengths differ
     */
    public static double agreement(int[] predicted, int[] truth) {
        if (predicted.length != truth.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + truth.length + " labels");
        }
        int ok = 0;
        for (int i = 0; i < truth.length; i++) {
            ok += predicted[i] == truth[i] ? 1 : 0;
        }
        return truth.length == 0 ? 0 : (double) ok / truth.length;
    }
}
