package org.modelkit.segmenter.motion.internal;

import java.util.SplittableRandom;
import org.modelkit.api.data.Flow;

/**
 * The second sprite set (data notes §9.1): Fashion-MNIST items as textured sprites over a crop of a real
 * texture (skimage brick, grass or gravel), with camera pan, scaling and occlusion, masks and flow exact.
 *
 * <p>The background is the texture sampled bilinearly at {@code x − b·t + o}: the camera pans by {@code b}
 * (0.5 to 1.5 px per frame). Each of the two items is drawn at centre {@code c(t)} with scale {@code s(t)}: an
 * image pixel p shows item point {@code q = (p − c(t))/s(t)} where the item's bilinearly sampled intensity exceeds
 * {@value #ALPHA} (its silhouette); the second item covers the first where they overlap. Items move 1.5 to 3 px
 * per frame against the background, are reflected at the borders and grow or shrink by up to 2 % per frame. The
 * flow of a pixel is where its surface point is in the next frame minus where it is now; the mask is the union
 * of the items.
 */
final class FashionSprites {
    /** An item's intensity above this is the item. */
    static final double ALPHA = 0.15;
    private static final int ITEM = 28;

    private FashionSprites() {
    }

    /**
     * Reads the items and the texture and makes a sequence.
     *
     * @param itemsFile   a Fashion-MNIST IDX image file (.gz or plain)
     * @param textureFile a grey or colour image (PNG/PGM/JPEG)
     * @throws java.io.IOException if a file cannot be read or is malformed
     */
    static Disks.Sequence sequence(int size, int frames, long seed, java.nio.file.Path itemsFile,
            java.nio.file.Path textureFile) throws java.io.IOException {
        org.modelkit.api.data.Tensor t = org.modelkit.io.Idx.readImages(itemsFile);
        if (t.dim(1) != ITEM || t.dim(2) != ITEM) {
            throw new org.modelkit.io.FormatException(itemsFile, "holds " + t.dim(1) + "x" + t.dim(2) + " images; the sprites"
                    + " take 28x28 Fashion-MNIST items");
        }
        float[] all = t.toArray();
        int n = Math.min(t.dim(0), 1000);
        float[][] items = new float[n][];
        for (int i = 0; i < n; i++) {
            items[i] = java.util.Arrays.copyOfRange(all, i * ITEM * ITEM, (i + 1) * ITEM * ITEM);
        }
        org.modelkit.api.data.Frame tex = org.modelkit.io.Images.read(textureFile);
        float[] grey = (tex.channels() == 1 ? tex : tex.toGrey()).toArray();
        return sequence(size, frames, seed, items, grey, tex.width(), tex.height());
    }

    /**
     * @param size    the frames' side (32..512)
     * @param frames  at least 2
     * @param seed    the same seed gives the same sequence
     * @param items   Fashion-MNIST images, 28×28 each in [0, 1] (two are drawn at random)
     * @param texture a grey texture in [0, 1]
     * @param tw      its width
     * @param th      its height
     * @return frames, masks and the exact forward flow of every frame (the last one's to the frame after it)
     */
    static Disks.Sequence sequence(int size, int frames, long seed, float[][] items, float[] texture, int tw, int th) {
        if (items.length < 2) {
            throw new IllegalArgumentException("two or more items are needed, got " + items.length);
        }
        if (tw < size + 64 || th < size + 64) {
            throw new IllegalArgumentException("the texture is " + tw + "x" + th + "; frames of " + size
                    + " panning need at least " + (size + 64) + " on each side");
        }
        SplittableRandom r = new SplittableRandom(seed);
        double a = r.nextDouble(0, 2 * Math.PI);
        double pan = r.nextDouble(0.5, 1.5);
        double bx = pan * Math.cos(a);
        double by = pan * Math.sin(a);
        double ox = r.nextDouble(32, tw - size - 32);
        double oy = r.nextDouble(32, th - size - 32);
        int k = 2;
        float[][] item = new float[k][];
        double[] s0 = new double[k];
        double[] growth = new double[k];
        double[][] c = new double[k][];
        double[][] v = new double[k][];
        for (int i = 0; i < k; i++) {
            item[i] = items[r.nextInt(items.length)];
            s0[i] = r.nextDouble(0.7, 1.0) * size / 64.0;
            growth[i] = r.nextDouble(-0.02, 0.02);
            double m = ITEM * s0[i] / 2;
            c[i] = new double[] {r.nextDouble(m, size - m), r.nextDouble(m, size - m)};
            double b = r.nextDouble(0, 2 * Math.PI);
            double speed = r.nextDouble(1.5, 3);
            v[i] = new double[] {bx + speed * Math.cos(b), by + speed * Math.sin(b)};
        }
        // positions and scales for frames 0..n (one beyond, for the last frame's flow)
        double[][][] pos = new double[frames + 1][k][];
        double[][] scale = new double[frames + 1][k];
        for (int t = 0; t <= frames; t++) {
            for (int i = 0; i < k; i++) {
                scale[t][i] = s0[i] * Math.pow(1 + growth[i], t);
                if (t > 0) {
                    double m = ITEM * scale[t][i] / 2;
                    for (int d = 0; d < 2; d++) {
                        double p = pos[t - 1][i][d] + v[i][d];
                        if (p < m || p > size - m) {
                            p = p < m ? 2 * m - p : 2 * (size - m) - p;
                            v[i][d] = -v[i][d];
                        }
                        c[i][d] = p;
                    }
                }
                pos[t][i] = c[i].clone();
            }
        }
        float[][] images = new float[frames][size * size];
        boolean[][] masks = new boolean[frames][size * size];
        Flow[] flows = new Flow[frames];
        for (int t = 0; t < frames; t++) {
            float[] u = new float[size * size];
            float[] w = new float[size * size];
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int p = y * size + x;
                    int top = -1;
                    double qx = 0;
                    double qy = 0;
                    for (int i = k - 1; i >= 0 && top < 0; i--) { // the later item covers the earlier
                        double ix = (x - pos[t][i][0]) / scale[t][i] + ITEM / 2.0 - 0.5;
                        double iy = (y - pos[t][i][1]) / scale[t][i] + ITEM / 2.0 - 0.5;
                        double val = sample(item[i], ITEM, ITEM, ix, iy);
                        if (val > ALPHA) {
                            top = i;
                            qx = ix;
                            qy = iy;
                            images[t][p] = (float) val;
                        }
                    }
                    if (top >= 0) {
                        masks[t][p] = true;
                        double nx = pos[t + 1][top][0] + (qx - ITEM / 2.0 + 0.5) * scale[t + 1][top];
                        double ny = pos[t + 1][top][1] + (qy - ITEM / 2.0 + 0.5) * scale[t + 1][top];
                        u[p] = (float) (nx - x);
                        w[p] = (float) (ny - y);
                    } else {
                        images[t][p] = (float) sample(texture, tw, th, x - bx * t + ox, y - by * t + oy);
                        u[p] = (float) bx;
                        w[p] = (float) by;
                    }
                }
            }
            flows[t] = new Flow(size, size, u, w);
        }
        return new Disks.Sequence(size, images, masks, flows);
    }

    /** @return the image sampled bilinearly at (x, y), 0 outside */
    static double sample(float[] img, int w, int h, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double ax = x - x0;
        double ay = y - y0;
        return (1 - ax) * (1 - ay) * at(img, w, h, x0, y0) + ax * (1 - ay) * at(img, w, h, x0 + 1, y0)
                + (1 - ax) * ay * at(img, w, h, x0, y0 + 1) + ax * ay * at(img, w, h, x0 + 1, y0 + 1);
    }

    private static double at(float[] img, int w, int h, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0 : img[y * w + x];
    }
}
