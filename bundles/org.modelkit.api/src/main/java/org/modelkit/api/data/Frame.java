package org.modelkit.api.data;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One image: {@code height} rows of {@code width} pixels with 1 (grey) or 3 (RGB) channels,
 * interleaved, each value in {@code [0, 1]}. The value of channel {@code c} at column {@code x}, row
 * {@code y} (row 0 on top) is at offset {@code (y*width + x)*channels + c}. Immutable.
 */
public final class Frame {
    private final int width;
    private final int height;
    private final int channels;
    private final float[] pixels;

    /**
     * @param width    columns, at least 1
     * @param height   rows, at least 1
     * @param channels 1 for grey or 3 for RGB
     * @param pixels   {@code width*height*channels} values in {@code [0, 1]}, copied
     * @throws IllegalArgumentException if a size is not positive, channels is not 1 or 3, the length
     *                                  does not match, or a value is outside {@code [0, 1]} or NaN
     */
    public Frame(int width, int height, int channels, float[] pixels) {
        Checks.positive(width, "width");
        Checks.positive(height, "height");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (grey) or 3 (RGB), got " + channels);
        }
        Checks.notNull(pixels, "pixels");
        long n = (long) width * height * channels;
        if (n != pixels.length) {
            throw new IllegalArgumentException("a " + width + "x" + height + "x" + channels + " frame holds " + n
                    + " values but pixels has " + pixels.length);
        }
        Checks.inUnitRange(pixels, "pixels");
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.pixels = pixels.clone();
    }

    /** @return columns */
    public int width() {
        return width;
    }

    /** @return rows */
    public int height() {
        return height;
    }

    /** @return 1 (grey) or 3 (RGB) */
    public int channels() {
        return channels;
    }

    /**
     * @param x column in {@code [0, width)}
     * @param y row in {@code [0, height)}, 0 on top
     * @param c channel in {@code [0, channels)}
     * @return the value in {@code [0, 1]}
     * @throws IllegalArgumentException if an index is out of range
     */
    public float get(int x, int y, int c) {
        if (x < 0 || x >= width || y < 0 || y >= height || c < 0 || c >= channels) {
            throw new IllegalArgumentException("pixel (" + x + ", " + y + ", " + c + ") is outside a " + width + "x"
                    + height + "x" + channels + " frame");
        }
        return pixels[(y * width + x) * channels + c];
    }

    /** @return a read-only view of the interleaved values */
    public FloatBuffer asBuffer() {
        return FloatBuffer.wrap(pixels).asReadOnlyBuffer();
    }

    /** @return a copy of the interleaved values */
    public float[] toArray() {
        return pixels.clone();
    }

    /** @return the frame as a tensor of shape {@code [height, width, channels]} */
    public Tensor toTensor() {
        return Tensor.of(pixels, height, width, channels);
    }

    /**
     * @return the luminance of this frame (ITU-R BT.601 weights) as a grey frame; this frame if already grey
     */
    public Frame toGrey() {
        if (channels == 1) {
            return this;
        }
        float[] g = new float[width * height];
        for (int i = 0; i < g.length; i++) {
            float v = 0.299f * pixels[3 * i] + 0.587f * pixels[3 * i + 1] + 0.114f * pixels[3 * i + 2];
            g[i] = Math.min(1f, Math.max(0f, v));
        }
        return new Frame(width, height, 1, g);
    }

    /**
     * @param other another frame
     * @return whether both frames have the same width, height and channel count
     */
    public boolean sameSize(Frame other) {
        return width == other.width && height == other.height && channels == other.channels;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && sameSize(f) && Arrays.equals(pixels, f.pixels);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "Frame[" + width + "x" + height + "x" + channels + "]";
    }
}
