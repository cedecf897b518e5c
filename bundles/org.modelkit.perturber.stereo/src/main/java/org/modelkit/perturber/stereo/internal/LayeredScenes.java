package org.modelkit.perturber.stereo.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.modelkit.api.data.Frame;

/**
 * Textured layered scenes with exact disparity: a slanted background plane and up to three fronto-parallel or
 * slanted foreground layers (rectangles and ellipses), each carrying a crop of a real texture (skimage's brick,
 * grass and gravel photographs, committed under {@code testdata/stereo/}). The left image shows, at every pixel,
 * the nearest layer there (the highest disparity: a z-buffer); the right image is rendered from the same layers
 * with each point moved left by its disparity, so occlusions and disocclusions are exact, and the ground truth is
 * the visible layer's disparity at every left pixel.
 */
final class LayeredScenes {
    /** The training scenes' size. */
    static final int HEIGHT = 64;
    static final int WIDTH = 128;

    private LayeredScenes() {
    }

    /** One planar layer: disparity {@code a + b·x/w + c·y/h} over a shape, textured from {@code texture}. */
    private record Layer(double a, double b, double c, int shape, double cx, double cy, double rx, double ry,
            float[] texture, int tw, int th, double ox, double oy, double gain, double bias) {
        double disparity(double x, double y, int w, int h) {
            return a + b * x / w + c * y / h;
        }

        boolean covers(double x, double y) {
            double u = (x - cx) / rx;
            double v = (y - cy) / ry;
            return shape == 0 || (shape == 1 ? Math.abs(u) <= 1 && Math.abs(v) <= 1 : u * u + v * v <= 1);
        }

        /** @return the left x of the layer point seen at right column {@code xr} in row {@code y} */
        double leftX(double xr, double y, int w, int h) {
            return (xr + a + c * y / h) / (1 - b / w);
        }

        float intensity(double x, double y) {
            double tx = x + ox;
            double ty = y + oy;
            int x0 = (int) Math.floor(tx);
            int y0 = (int) Math.floor(ty);
            double fx = tx - x0;
            double fy = ty - y0;
            double v = (1 - fy) * ((1 - fx) * tex(x0, y0) + fx * tex(x0 + 1, y0))
                    + fy * ((1 - fx) * tex(x0, y0 + 1) + fx * tex(x0 + 1, y0 + 1));
            return (float) Math.max(0, Math.min(1, gain * (v - 0.5) + 0.5 + bias));
        }

        private double tex(int x, int y) {
            return texture[Math.floorMod(y, th) * tw + Math.floorMod(x, tw)];
        }
    }

    /**
     * @param n            scenes
     * @param height       rows
     * @param width        columns
     * @param maxDisparity disparities stay in [0.5, maxDisparity − 1.5]
     * @param textures     grey texture images, at least one
     * @param seed         the seed
     * @return grey pairs with exact disparity
     */
    static StereoBatch generate(int n, int height, int width, int maxDisparity, List<Frame> textures, long seed) {
        if (textures.isEmpty()) {
            throw new IllegalArgumentException("layered scenes need at least one texture");
        }
        SplittableRandom r = new SplittableRandom(seed);
        int hw = height * width;
        float[] left = new float[n * hw];
        float[] right = new float[n * hw];
        float[] disp = new float[n * hw];
        double lo = 0.5;
        double hi = maxDisparity - 1.5;
        for (int s = 0; s < n; s++) {
            List<Layer> layers = new ArrayList<>();
            double base = lo + r.nextDouble() * 0.4 * (hi - lo);
            double slantX = (r.nextDouble() - 0.5) * 0.3 * (hi - lo);
            double slantY = r.nextDouble() * 0.3 * (hi - lo);
            layers.add(layer(r, textures, Math.max(lo, base - Math.min(0, slantX)), slantX, slantY, 0, 0, 0, 1, 1));
            int fore = 1 + r.nextInt(3);
            for (int k = 0; k < fore; k++) {
                double d = base + 0.3 * (hi - lo) + r.nextDouble() * (hi - base - 0.3 * (hi - lo) - 0.2 * (hi - lo));
                double sx = r.nextBoolean() ? 0 : (r.nextDouble() - 0.5) * 0.1 * (hi - lo);
                double rx = width * (0.08 + 0.2 * r.nextDouble());
                double ry = height * (0.1 + 0.25 * r.nextDouble());
                layers.add(layer(r, textures, d, sx, 0, 1 + r.nextInt(2), width * r.nextDouble(), height * r.nextDouble(),
                        rx, ry));
            }
            layers.sort((p, q) -> Double.compare(p.a() + 0.5 * p.b() + 0.5 * p.c(), q.a() + 0.5 * q.b() + 0.5 * q.c()));
            int o = s * hw;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double best = -1;
                    Layer seen = null;
                    for (Layer l : layers) {
                        double d = l.disparity(x, y, width, height);
                        if (l.covers(x, y) && d > best) {
                            best = d;
                            seen = l;
                        }
                    }
                    left[o + y * width + x] = seen.intensity(x, y);
                    disp[o + y * width + x] = (float) Math.min(hi, Math.max(lo, best));
                    best = -1;
                    seen = null;
                    double at = 0;
                    for (Layer l : layers) {
                        double u = l.leftX(x, y, width, height);
                        double d = l.disparity(u, y, width, height);
                        if (l.covers(u, y) && d > best) {
                            best = d;
                            seen = l;
                            at = u;
                        }
                    }
                    right[o + y * width + x] = seen.intensity(at, y);
                }
            }
        }
        return new StereoBatch(n, 1, height, width, left, right, disp);
    }

    private static Layer layer(SplittableRandom r, List<Frame> textures, double a, double b, double c, int shape,
            double cx, double cy, double rx, double ry) {
        Frame t = textures.get(r.nextInt(textures.size())).toGrey();
        return new Layer(a, b, c, shape, cx, cy, rx, ry, t.toArray(), t.width(), t.height(), r.nextDouble() * t.width(),
                r.nextDouble() * t.height(), 0.6 + 0.8 * r.nextDouble(), (r.nextDouble() - 0.5) * 0.2);
    }
}
