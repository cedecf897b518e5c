package org.modelkit.segmenter.motion.internal;

/**
 * A dense optical flow from one frame to a later one: pixel (x, y) moves by (u, v), u along the columns, v down the
 * rows, at offset {@code y*width + x}.
 *
 * @param width  columns
 * @param height rows
 * @param u      the horizontal components
 * @param v      the vertical components
 */
record FlowField(int width, int height, float[] u, float[] v) {
    FlowField {
        if (width < 1 || height < 1 || u.length != width * height || v.length != width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " flow needs " + width * height
                    + " components each, not " + u.length + " and " + v.length);
        }
    }

    /** @return the two channels, u then v, as one array of 2·height·width values */
    float[] channels() {
        float[] out = new float[2 * u.length];
        System.arraycopy(u, 0, out, 0, u.length);
        System.arraycopy(v, 0, out, u.length, v.length);
        return out;
    }
}
