package org.modelkit.normalizer.eman.internal;

import java.util.Random;

/**
 * Image augmentations for grey images in [0, 1] (Fashion-MNIST, digits), row-major {@code h x w}, the
 * way FixMatch and MoCo v2 use them:
 * <ul>
 * <li>weak: horizontal flip (p = 0.5) and a translation by up to 12.5% of the side, zero-filled;</li>
 * <li>strong: the weak transform, then RandAugment (two operations drawn from thirteen, each with a
 * random magnitude, as in FixMatch's RandAugment variant), then Cutout of a square of half the side;</li>
 * <li>view (MoCo v2): a random resized crop (scale 0.3-1, aspect 3/4-4/3), flip, brightness and contrast
 * jitter (p = 0.8) and a 3x3 blur (p = 0.5); the colour operations of MoCo v2 have no grey analogue
 * beyond these.</li>
 * </ul>
 * Written by hand: the operations are a few loops over 784 pixels, and the image libraries on the Java
 * side work on AWT images, which would cost a conversion per sample per step.
 */
final class Augment {
    private final int h;
    private final int w;

    Augment(int h, int w) {
        this.h = h;
        this.w = w;
    }

    /** Weak view of {@code src} into {@code dst}. */
    void weak(float[] src, int srcOffset, float[] dst, int dstOffset, Random r) {
        boolean flip = r.nextBoolean();
        int max = Math.max(1, Math.round(0.125f * Math.min(h, w)));
        int dx = r.nextInt(2 * max + 1) - max;
        int dy = r.nextInt(2 * max + 1) - max;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx = (flip ? w - 1 - x : x) - dx;
                int sy = y - dy;
                dst[dstOffset + y * w + x] = sx < 0 || sy < 0 || sx >= w || sy >= h ? 0f : src[srcOffset + sy * w + sx];
            }
        }
    }

    /** Strong view of {@code src} into {@code dst}. */
    void strong(float[] src, int srcOffset, float[] dst, int dstOffset, Random r) {
        float[] a = new float[h * w];
        weak(src, srcOffset, a, 0, r);
        for (int k = 0; k < 2; k++) {
            a = randAugment(a, r.nextInt(13), r.nextFloat(), r);
        }
        int side = Math.max(1, Math.min(h, w) / 2);
        int cy = r.nextInt(h);
        int cx = r.nextInt(w);
        for (int y = Math.max(0, cy - side / 2); y < Math.min(h, cy + side / 2); y++) {
            for (int x = Math.max(0, cx - side / 2); x < Math.min(w, cx + side / 2); x++) {
                a[y * w + x] = 0.5f;
            }
        }
        System.arraycopy(a, 0, dst, dstOffset, h * w);
    }

    /** A MoCo v2 view of {@code src} into {@code dst}. */
    void view(float[] src, int srcOffset, float[] dst, int dstOffset, Random r) {
        double area = (0.3 + 0.7 * r.nextDouble()) * h * w;
        double ratio = Math.exp(Math.log(0.75) + r.nextDouble() * (Math.log(4.0 / 3) - Math.log(0.75)));
        double cw = Math.min(w, Math.sqrt(area * ratio));
        double ch = Math.min(h, Math.sqrt(area / ratio));
        double x0 = r.nextDouble() * (w - cw);
        double y0 = r.nextDouble() * (h - ch);
        boolean flip = r.nextBoolean();
        float[] a = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double sx = x0 + ((flip ? w - 1 - x : x) + 0.5) * cw / w - 0.5;
                double sy = y0 + (y + 0.5) * ch / h - 0.5;
                a[y * w + x] = bilinear(src, srcOffset, sx, sy);
            }
        }
        if (r.nextFloat() < 0.8f) {
            float brightness = 0.6f + 0.8f * r.nextFloat();
            float contrast = 0.6f + 0.8f * r.nextFloat();
            float mean = mean(a);
            for (int i = 0; i < a.length; i++) {
                a[i] = clamp(((a[i] - mean) * contrast + mean) * brightness);
            }
        }
        if (r.nextFloat() < 0.5f) {
            a = blur(a);
        }
        System.arraycopy(a, 0, dst, dstOffset, h * w);
    }

    /** One RandAugment operation with magnitude {@code m} in [0, 1]. */
    float[] randAugment(float[] a, int op, float m, Random r) {
        float sign = r.nextBoolean() ? 1 : -1;
        switch (op) {
            case 0:
                return a; // identity
            case 1: { // auto-contrast
                float lo = Float.MAX_VALUE;
                float hi = -Float.MAX_VALUE;
                for (float v : a) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                float[] o = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    o[i] = hi > lo ? (a[i] - lo) / (hi - lo) : a[i];
                }
                return o;
            }
            case 2: { // equalize (256 bins)
                int[] hist = new int[256];
                for (float v : a) {
                    hist[bin(v)]++;
                }
                float[] cdf = new float[256];
                int run = 0;
                for (int i = 0; i < 256; i++) {
                    run += hist[i];
                    cdf[i] = (float) run / a.length;
                }
                float[] o = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    o[i] = cdf[bin(a[i])];
                }
                return o;
            }
            case 3: { // rotate up to 30 degrees
                double t = Math.toRadians(30 * m * sign);
                return affine(a, Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t), 0, 0);
            }
            case 4: { // solarize: invert above a threshold from 1 down to 0
                float th = 1 - m;
                float[] o = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    o[i] = a[i] >= th ? 1 - a[i] : a[i];
                }
                return o;
            }
            case 5: { // posterize to 8..2 bits
                int bits = 8 - Math.round(6 * m);
                float levels = (1 << bits) - 1;
                float[] o = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    o[i] = Math.round(a[i] * levels) / levels;
                }
                return o;
            }
            case 6: { // contrast
                float f = 1 + 0.9f * m * sign;
                float mean = mean(a);
                float[] o = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    o[i] = clamp((a[i] - mean) * f + mean);
                }
                return o;
            }
            case 7: { // brightness
                float f = 1 + 0.9f * m * sign;
                float[] o = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    o[i] = clamp(a[i] * f);
                }
                return o;
            }
            case 8: { // sharpness: blend with a blurred copy
                float f = 1 + 0.9f * m * sign;
                float[] b = blur(a);
                float[] o = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    o[i] = clamp(b[i] + (a[i] - b[i]) * f);
                }
                return o;
            }
            case 9: // shear x up to 0.3
                return affine(a, 1, 0.3 * m * sign, 0, 1, 0, 0);
            case 10: // shear y
                return affine(a, 1, 0, 0.3 * m * sign, 1, 0, 0);
            case 11: // translate x up to 30%
                return affine(a, 1, 0, 0, 1, 0.3 * m * sign * w, 0);
            case 12: // translate y
                return affine(a, 1, 0, 0, 1, 0, 0.3 * m * sign * h);
            default:
                throw new IllegalArgumentException("no RandAugment operation " + op);
        }
    }

    /** Samples {@code a} at the inverse image of each pixel under the map about the centre, zero-filled. */
    private float[] affine(float[] a, double m00, double m01, double m10, double m11, double tx, double ty) {
        float[] o = new float[a.length];
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = x - cx - tx;
                double v = y - cy - ty;
                o[y * w + x] = bilinear(a, 0, m00 * u + m01 * v + cx, m10 * u + m11 * v + cy);
            }
        }
        return o;
    }

    private float bilinear(float[] a, int off, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (float) ((1 - fy) * ((1 - fx) * px(a, off, x0, y0) + fx * px(a, off, x0 + 1, y0))
                + fy * ((1 - fx) * px(a, off, x0, y0 + 1) + fx * px(a, off, x0 + 1, y0 + 1)));
    }

    private float px(float[] a, int off, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0f : a[off + y * w + x];
    }

    private float[] blur(float[] a) {
        float[] o = new float[a.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                int n = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (yy >= 0 && xx >= 0 && yy < h && xx < w) {
                            s += a[yy * w + xx];
                            n++;
                        }
                    }
                }
                o[y * w + x] = s / n;
            }
        }
        return o;
    }

    private static int bin(float v) {
        return Math.max(0, Math.min(255, (int) (v * 255.999f)));
    }

    private static float mean(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v;
        }
        return (float) (s / a.length);
    }

    private static float clamp(float v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
}
