package org.modelkit.api.data;

/**
 * A dense optical flow from one frame to a later one: pixel {@code (x, y)} of the first frame moves to
 * {@code (x + u, y + v)} in the second, u along the columns and v down the rows, at offset {@code y*width + x},
 * row 0 on top. NaN marks a pixel whose flow is unknown (both components). Immutable.
 */
public final class Flow {
    private final int width;
    private final int height;
    private final float[] u;
    private final float[] v;

    /**
     * @param width  columns, at least 1
     * @param height rows, at least 1
     * @param u      {@code width*height} horizontal components in pixels, copied
     * @param v      {@code width*height} vertical components in pixels, copied
     * @throws IllegalArgumentException if a size is not positive, a length does not match, a component is
     *                                  infinite, or one component of a pixel is NaN and the other is not
     */
    public Flow(int width, int height, float[] u, float[] v) {
        Checks.positive(width, "width");
        Checks.positive(height, "height");
        Checks.notNull(u, "u");
        Checks.notNull(v, "v");
        long n = (long) width * height;
        if (u.length != n || v.length != n) {
            throw new IllegalArgumentException("a " + width + "x" + height + " flow holds " + n + " pixels but u has "
                    + u.length + " and v has " + v.length);
        }
        for (int i = 0; i < u.length; i++) {
            if (Float.isInfinite(u[i]) || Float.isInfinite(v[i]) || Float.isNaN(u[i]) != Float.isNaN(v[i])) {
                throw new IllegalArgumentException("pixel (" + i % width + ", " + i / width + ") has flow (" + u[i] + ", "
                        + v[i] + "); components are finite, or both NaN where the flow is unknown");
            }
        }
        this.width = width;
        this.height = height;
        this.u = u.clone();
        this.v = v.clone();
    }

    /** @return columns */
    public int width() {
        return width;
    }

    /** @return rows */
    public int height() {
        return height;
    }

    /** @return a copy of the horizontal components */
    public float[] u() {
        return u.clone();
    }

    /** @return a copy of the vertical components */
    public float[] v() {
        return v.clone();
    }

    /**
     * @param x column
     * @param y row, 0 on top
     * @return whether the pixel's flow is known
     * @throws IllegalArgumentException if the pixel is outside the flow
     */
    public boolean known(int x, int y) {
        return !Float.isNaN(u[index(x, y)]);
    }

    /** @return the horizontal component at the pixel (NaN if unknown) */
    public float u(int x, int y) {
        return u[index(x, y)];
    }

    /** @return the vertical component at the pixel (NaN if unknown) */
    public float v(int x, int y) {
        return v[index(x, y)];
    }

    private int index(int x, int y) {
        if (x < 0 || x >= width || y < 0 || y >= height) {
            throw new IllegalArgumentException("pixel (" + x + ", " + y + ") is outside a " + width + "x" + height + " flow");
        }
        return y * width + x;
    }

    @Override
    public String toString() {
        return "Flow[" + width + "x" + height + "]";
    }
}
