package org.modelkit.api.data;

import java.util.Arrays;

/**
 * A binary mask over an image: {@code true} where the pixel belongs to the object. Pixel
 * {@code (x, y)} is at offset {@code y*width + x}, row 0 on top. Immutable.
 */
public final class Mask {
    private final int width;
    private final int height;
    private final boolean[] inside;

    /**
     * @param width  columns, at least 1
     * @param height rows, at least 1
     * @param inside {@code width*height} flags, copied
     * @throws IllegalArgumentException if a size is not positive or the length does not match
     */
    public Mask(int width, int height, boolean[] inside) {
        Checks.positive(width, "width");
        Checks.positive(height, "height");
        Checks.notNull(inside, "inside");
        if ((long) width * height != inside.length) {
            throw new IllegalArgumentException("a " + width + "x" + height + " mask holds " + ((long) width * height)
                    + " pixels but inside has " + inside.length);
        }
        this.width = width;
        this.height = height;
        this.inside = inside.clone();
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
     * @return whether the pixel is inside the object
     * @throws IllegalArgumentException if the pixel is outside the mask
     */
    public boolean get(int x, int y) {
        if (x < 0 || x >= width || y < 0 || y >= height) {
            throw new IllegalArgumentException("pixel (" + x + ", " + y + ") is outside a " + width + "x" + height + " mask");
        }
        return inside[y * width + x];
    }

    /** @return a copy of the flags */
    public boolean[] toArray() {
        return inside.clone();
    }

    /** @return the number of pixels inside */
    public int area() {
        int n = 0;
        for (boolean b : inside) {
            if (b) {
                n++;
            }
        }
        return n;
    }

    /**
     * The Jaccard index (intersection over union) with another mask of the same size; 1 when both are empty.
     *
     * @param other a mask of the same width and height
     * @return |A ∩ B| / |A ∪ B| in {@code [0, 1]}
     * @throws IllegalArgumentException if the sizes differ
     */
    public double jaccard(Mask other) {
        Checks.notNull(other, "other");
        if (other.width != width || other.height != height) {
            throw new IllegalArgumentException("masks differ in size: " + width + "x" + height + " vs " + other.width
                    + "x" + other.height);
        }
        int inter = 0;
        int union = 0;
        for (int i = 0; i < inside.length; i++) {
            if (inside[i] && other.inside[i]) {
                inter++;
            }
            if (inside[i] || other.inside[i]) {
                union++;
            }
        }
        return union == 0 ? 1.0 : (double) inter / union;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask m && width == m.width && height == m.height && Arrays.equals(inside, m.inside);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(inside);
    }

    @Override
    public String toString() {
        return "Mask[" + width + "x" + height + ", area " + area() + "]";
    }
}
