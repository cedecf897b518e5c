package org.modelkit.perturber.stereo.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.modelkit.api.data.Disparity;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.StereoPair;

/**
 * Stereo pairs in the networks' layout: images planar {@code [N, C, H, W]}, disparities {@code [N, H, W]} with NaN
 * where there is no ground truth.
 *
 * @param n         pairs
 * @param channels  1 or 3
 * @param height    rows
 * @param width     columns
 * @param left      left images, {@code n·channels·height·width} values in [0, 1]
 * @param right     right images
 * @param disparity ground truth, {@code n·height·width} values; NaN where unknown (null: none)
 */
record StereoBatch(int n, int channels, int height, int width, float[] left, float[] right, float[] disparity) {
    int imageSize() {
        return channels * height * width;
    }

    int mapSize() {
        return height * width;
    }

    /**
     * @param pair a pair
     * @param gt   its ground truth, or null
     * @return a batch of one
     */
    static StereoBatch of(StereoPair pair, Disparity gt) {
        Frame l = pair.left();
        return new StereoBatch(1, l.channels(), l.height(), l.width(), planar(l), planar(pair.right()),
                gt == null ? null : truth(gt));
    }

    /** @return the ground truth's values, NaN where invalid or not positive (the authors' {@code gt > 0}) */
    static float[] truth(Disparity gt) {
        float[] v = gt.toArray();
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] > 0)) {
                v[i] = Float.NaN;
            }
        }
        return v;
    }

    /** @return a frame's values planar, channel by channel */
    static float[] planar(Frame f) {
        int c = f.channels();
        int hw = f.width() * f.height();
        float[] in = f.toArray();
        float[] out = new float[in.length];
        for (int p = 0; p < hw; p++) {
            for (int k = 0; k < c; k++) {
                out[k * hw + p] = in[p * c + k];
            }
        }
        return out;
    }

    /**
     * @param planar one image's values, planar
     * @param c      channels
     * @param h      rows
     * @param w      columns
     * @return the frame (values clamped to [0, 1] against rounding)
     */
    static Frame frame(float[] planar, int offset, int c, int h, int w) {
        int hw = h * w;
        float[] out = new float[c * hw];
        for (int p = 0; p < hw; p++) {
            for (int k = 0; k < c; k++) {
                out[p * c + k] = Math.min(1f, Math.max(0f, planar[offset + k * hw + p]));
            }
        }
        return new Frame(w, h, c, out);
    }

    /** @return pair {@code i} as frames */
    StereoPair pair(int i) {
        return new StereoPair(frame(left, i * imageSize(), channels, height, width),
                frame(right, i * imageSize(), channels, height, width));
    }

    /** @return pair {@code i}'s ground truth (NaN where unknown) */
    Disparity truth(int i) {
        float[] v = new float[mapSize()];
        System.arraycopy(disparity, i * mapSize(), v, 0, v.length);
        return Disparity.fromRaw(width, height, v);
    }

    /** @return pairs {@code from} (inclusive) to {@code to} (exclusive) */
    StereoBatch slice(int from, int to) {
        int s = imageSize();
        int m = mapSize();
        return new StereoBatch(to - from, channels, height, width, java.util.Arrays.copyOfRange(left, from * s, to * s),
                java.util.Arrays.copyOfRange(right, from * s, to * s), disparity == null ? null
                        : java.util.Arrays.copyOfRange(disparity, from * m, to * m));
    }

    /** @return the same pairs with other images */
    StereoBatch withImages(float[] l, float[] r) {
        return new StereoBatch(n, channels, height, width, l, r, disparity);
    }

    NDArray leftArray(NDManager m, DataType t) {
        return images(m, left, t);
    }

    NDArray rightArray(NDManager m, DataType t) {
        return images(m, right, t);
    }

    private NDArray images(NDManager m, float[] v, DataType t) {
        NDArray a = m.create(v, new Shape(n, channels, height, width));
        return t == DataType.FLOAT32 ? a : a.toType(t, false);
    }
}
