package org.modelkit.perturber.stereo.internal;

import java.awt.image.BufferedImage;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Tensor;

/** The pictures the perturb and disparity commands write. */
final class StereoPictures {
    /** Anchors of the colour scale (viridis, from dark blue at 0 to yellow at 1). */
    private static final int[][] SCALE = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};

    private StereoPictures() {
    }

    /**
     * @param values disparities or errors, NaN shown black
     * @param width  columns
     * @param height rows
     * @param max    the value shown at the top of the scale (0 at the bottom)
     * @return the colour-mapped picture
     */
    static BufferedImage colour(float[] values, int width, int height, double max) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float v = values[y * width + x];
                img.setRGB(x, y, Float.isNaN(v) ? 0 : rgb(Math.max(0, Math.min(1, v / max))));
            }
        }
        return img;
    }

    private static int rgb(double t) {
        double p = t * (SCALE.length - 1);
        int i = Math.min(SCALE.length - 2, (int) Math.floor(p));
        double f = p - i;
        int rgb = 0;
        for (int k = 0; k < 3; k++) {
            rgb = (rgb << 8) | (int) Math.round(SCALE[i][k] * (1 - f) + SCALE[i + 1][k] * f);
        }
        return rgb;
    }

    /**
     * @param delta   a perturbation {@code [height, width, channels]}
     * @param epsilon its bound
     * @return δ mapped from [−ε, ε] to [0, 1] (grey 0.5 is no change)
     */
    static Frame delta(Tensor delta, double epsilon) {
        float[] v = delta.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.max(0, Math.min(1, 0.5 + 0.5 * v[i] / epsilon));
        }
        return new Frame(delta.dim(1), delta.dim(0), delta.dim(2), v);
    }
}
