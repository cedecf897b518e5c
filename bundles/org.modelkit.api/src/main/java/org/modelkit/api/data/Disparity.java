package org.modelkit.api.data;

import java.util.Arrays;

/**
 * A disparity map for the left image of a rectified stereo pair, in pixels, with a validity flag per
 * pixel (ground truth is often missing for occluded pixels). Pixel {@code (x, y)} is at offset
 * {@code y*width + x}, row 0 on top. Valid values are finite and non-negative; invalid pixels read as
 * NaN. Immutable.
 */
public final class Disparity {
    private final int width;
    private final int height;
    private final float[] values;

    /**
     * @param width  columns, at least 1
     * @param height rows, at least 1
     * @param values {@code width*height} disparities in pixels, copied
     * @param valid  {@code width*height} flags; where false the value is ignored and stored as NaN
     * @throws IllegalArgumentException if a size is not positive, a length does not match, or a valid
     *                                  value is negative, NaN or infinite
     */
    public Disparity(int width, int height, float[] values, boolean[] valid) {
        Checks.positive(width, "width");
        Checks.positive(height, "height");
        Checks.notNull(values, "values");
        Checks.notNull(valid, "valid");
        long n = (long) width * height;
        if (values.length != n || valid.length != n) {
            throw new IllegalArgumentException("a " + width + "x" + height + " disparity map holds " + n
                    + " pixels but values has " + values.length + " and valid has " + valid.length);
        }
        float[] v = new float[values.length];
        for (int i = 0; i < v.length; i++) {
            if (valid[i]) {
                if (!(Float.isFinite(values[i]) && values[i] >= 0f)) {
                    throw new IllegalArgumentException("values[" + i + "] (pixel " + (i % width) + ", " + (i / width)
                            + ") is " + values[i] + " but marked valid; valid disparities are finite and >= 0");
                }
                v[i] = values[i];
            } else {
                v[i] = Float.NaN;
            }
        }
        this.width = width;
        this.height = height;
        this.values = v;
    }

    /**
     * A disparity map from raw values in which NaN and infinities mark missing pixels (as in PFM
     * files and Middlebury ground truth).
     *
     * @param width  columns
     * @param height rows
     * @param raw    {@code width*height} values; finite ones must be non-negative
     * @return the map
     * @throws IllegalArgumentException if a finite value is negative or a size does not match
     */
    public static Disparity fromRaw(int width, int height, float[] raw) {
        Checks.notNull(raw, "raw");
        boolean[] valid = new boolean[raw.length];
        for (int i = 0; i < raw.length; i++) {
            valid[i] = Float.isFinite(raw[i]);
        }
        return new Disparity(width, height, raw, valid);
    }

    /** @return columns */
    public int width() {
        return width;
    }

    /** @return rows */
    public int height() {
        return height;
    }

    /**
     * @param x column
     * @param y row, 0 on top
     * @return the disparity in pixels, or NaN where invalid
     * @throws IllegalArgumentException if the pixel is outside the map
     */
    public float get(int x, int y) {
        if (x < 0 || x >= width || y < 0 || y >= height) {
            throw new IllegalArgumentException("pixel (" + x + ", " + y + ") is outside a " + width + "x" + height + " map");
        }
        return values[y * width + x];
    }

    /**
     * @param x column
     * @param y row
     * @return whether the pixel has a disparity
     */
    public boolean isValid(int x, int y) {
        return !Float.isNaN(get(x, y));
    }

    /** @return a copy of the values, NaN where invalid */
    public float[] toArray() {
        return values.clone();
    }

    /** @return the fraction of valid pixels */
    public double validFraction() {
        int n = 0;
        for (float v : values) {
            if (!Float.isNaN(v)) {
                n++;
            }
        }
        return (double) n / values.length;
    }

    /**
     * Mean end-point error against a reference over the pixels valid in both.
     *
     * @param reference a map of the same size, typically ground truth
     * @return mean |this - reference| in pixels, or NaN if no pixel is valid in both
     * @throws IllegalArgumentException if the sizes differ
     */
    public double endPointError(Disparity reference) {
        Checks.notNull(reference, "reference");
        if (reference.width != width || reference.height != height) {
            throw new IllegalArgumentException("maps differ in size: " + width + "x" + height + " vs "
                    + reference.width + "x" + reference.height);
        }
        double sum = 0;
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (!Float.isNaN(values[i]) && !Float.isNaN(reference.values[i])) {
                sum += Math.abs(values[i] - reference.values[i]);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Disparity d && width == d.width && height == d.height && Arrays.equals(values, d.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Disparity[" + width + "x" + height + ", " + Math.round(validFraction() * 1000) / 10.0 + "% valid]";
    }
}
