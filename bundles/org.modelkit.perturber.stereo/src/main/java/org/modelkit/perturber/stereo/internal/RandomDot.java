package org.modelkit.perturber.stereo.internal;

import java.util.SplittableRandom;

/**
 * Random-dot stereo (methods notes §4.4): the right image is a 3×3 box-blurred uniform texture, the left image
 * samples it bilinearly at {@code x − d(x)}; the disparity is a background plane at U(0.5, 2.5) with two 8×16
 * rectangles at U(3.5, 6.5). Every pixel has ground truth (texture entering at the left border is replicated).
 */
final class RandomDot {
    /** The notes' size: 24 rows of 48 columns. */
    static final int HEIGHT = 24;
    static final int WIDTH = 48;
    /** The disparity range of the networks trained on it. */
    static final int MAX_DISPARITY = 8;

    private RandomDot() {
    }

    /**
     * @param n    pairs
     * @param seed the seed; the same seed gives the same pairs
     * @return grey pairs with exact disparity
     */
    static StereoBatch generate(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int h = HEIGHT;
        int w = WIDTH;
        float[] left = new float[n * h * w];
        float[] right = new float[n * h * w];
        float[] disp = new float[n * h * w];
        double[] tex = new double[(h + 2) * (w + 2)];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < tex.length; i++) {
                tex[i] = r.nextDouble();
            }
            int o = s * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double sum = 0;
                    for (int dy = 0; dy < 3; dy++) {
                        for (int dx = 0; dx < 3; dx++) {
                            sum += tex[(y + dy) * (w + 2) + x + dx];
                        }
                    }
                    right[o + y * w + x] = (float) (sum / 9);
                }
            }
            float bg = (float) (0.5 + 2 * r.nextDouble());
            java.util.Arrays.fill(disp, o, o + h * w, bg);
            for (int k = 0; k < 2; k++) {
                int y0 = r.nextInt(h - 8 + 1);
                int x0 = r.nextInt(w - 16 + 1);
                float d = (float) (3.5 + 3 * r.nextDouble());
                for (int y = y0; y < y0 + 8; y++) {
                    for (int x = x0; x < x0 + 16; x++) {
                        disp[o + y * w + x] = d;
                    }
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double xs = x - disp[o + y * w + x];
                    int x0 = (int) Math.floor(xs);
                    double f = xs - x0;
                    int a = Math.min(w - 1, Math.max(0, x0));
                    int b = Math.min(w - 1, Math.max(0, x0 + 1));
                    left[o + y * w + x] = (float) ((1 - f) * right[o + y * w + a] + f * right[o + y * w + b]);
                }
            }
        }
        return new StereoBatch(n, 1, h, w, left, right, disp);
    }
}
