package org.modelkit.perturber.stereo.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Diverse inputs (DI²): the images shrunk to a random size in [0.9H, H]×[0.9W, W] (bilinear, as torch's
 * {@code interpolate(align_corners=False)}) and zero-padded back at a random offset; the ground truth resized by
 * nearest neighbour, padded with "unknown", and scaled by w/W (a disparity is a horizontal distance).
 *
 * <p>Both steps are linear in the image, so a view is two matrices: {@code rows · image · colsᵀ}; the gradient of
 * the attack flows through them to the original pixels.
 */
final class DiverseInput {
    private DiverseInput() {
    }

    /**
     * One draw.
     *
     * @param height original rows
     * @param width  original columns
     * @param h      resized rows
     * @param w      resized columns
     * @param top    the row the resized image starts at
     * @param left   the column it starts at
     */
    record View(int height, int width, int h, int w, int top, int left) {
        /** @return {@code [H, W]} images as this view sees them; works on any leading axes */
        NDArray apply(NDArray images) {
            NDArray rows = images.getManager().create(matrix(height, h, top), new Shape(height, height))
                    .toType(images.getDataType(), false);
            NDArray colsT = images.getManager().create(matrix(width, w, left), new Shape(width, width))
                    .toType(images.getDataType(), false).transpose();
            return rows.matMul(images).matMul(colsT);
        }

        /** @return a ground truth of {@code n} maps as the view sees it: nearest, padded unknown, times w/W */
        float[] truth(float[] gt, int n) {
            float[] out = new float[gt.length];
            java.util.Arrays.fill(out, Float.NaN);
            float scale = (float) w / width;
            for (int s = 0; s < n; s++) {
                int o = s * height * width;
                for (int y = 0; y < h; y++) {
                    int sy = Math.min(height - 1, (int) Math.floor(y * (double) height / h));
                    for (int x = 0; x < w; x++) {
                        int sx = Math.min(width - 1, (int) Math.floor(x * (double) width / w));
                        out[o + (y + top) * width + x + left] = gt[o + sy * width + sx] * scale;
                    }
                }
            }
            return out;
        }
    }

    /**
     * @param height rows
     * @param width  columns
     * @param r      the random source
     * @return a random view
     */
    static View draw(int height, int width, SplittableRandom r) {
        int h = (int) Math.ceil(0.9 * height) + r.nextInt(height - (int) Math.ceil(0.9 * height) + 1);
        int w = (int) Math.ceil(0.9 * width) + r.nextInt(width - (int) Math.ceil(0.9 * width) + 1);
        int top = r.nextInt(height - h + 1);
        int left = r.nextInt(width - w + 1);
        return new View(height, width, h, w, top, left);
    }

    /**
     * @return the {@code [n, n]} matrix that resizes a length-{@code n} signal to {@code m} samples
     *         ({@link StereoNet#resizeMatrix}) and places them at {@code offset}, zeros elsewhere
     */
    static float[] matrix(int n, int m, int offset) {
        float[] a = new float[n * n];
        System.arraycopy(StereoNet.resizeMatrix(n, m), 0, a, offset * n, m * n);
        return a;
    }
}
