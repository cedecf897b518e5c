package org.modelkit.segmenter.motion.internal;

import java.util.SplittableRandom;
import org.modelkit.api.data.Flow;

/**
 * The methods notes' small experiment (§5.5): 32×32 grey frames of a disk of radius 6 to 10 with a bright
 * high-frequency texture over a smooth dark background. Between a frame and the next the background moves by
 * {@code t_bg} and the disk by {@code t_obj}: in a moving frame {@code |t_obj − t_bg| ≥ 1.5} px, in a static one
 * {@code t_obj = t_bg}. Both textures are functions of continuous coordinates, so the frame pair and its flow are
 * exact (sub-pixel translations included); the mask is the disk in the first frame.
 */
final class Disks {
    static final int SIZE = 32;

    /**
     * One frame with the flow to its successor.
     *
     * @param frame  the first frame, grey in [0, 1]
     * @param next   the second frame
     * @param flow   the exact flow from frame to next (plus noise, if asked)
     * @param mask   the disk in the first frame
     * @param moving whether the disk moves against the background
     */
    record Sample(float[] frame, float[] next, Flow flow, boolean[] mask, boolean moving) {
    }

    private Disks() {
    }

    /**
     * @param n      samples
     * @param moving the fraction of moving samples (the others are static)
     * @param noise  the standard deviation of Gaussian noise added to the flow (0: exact)
     * @param seed   the same seed gives the same samples
     */
    static Sample[] generate(int n, double moving, double noise, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Sample[] out = new Sample[n];
        for (int s = 0; s < n; s++) {
            // smooth dark background: three low-frequency waves with random phases
            double[][] bg = backgroundWaves(r, 1);
            double[][] fg = diskGratings(r);
            double radius = r.nextDouble(6, 10);
            double cx = r.nextDouble(radius + 1, SIZE - 1 - radius);
            double cy = r.nextDouble(radius + 1, SIZE - 1 - radius);
            double angle = r.nextDouble(0, 2 * Math.PI);
            double speed = r.nextDouble(0, 1.5);
            double bx = speed * Math.cos(angle);
            double by = speed * Math.sin(angle);
            boolean move = r.nextDouble() < moving;
            double ox = bx;
            double oy = by;
            if (move) {
                double a = r.nextDouble(0, 2 * Math.PI);
                double d = r.nextDouble(1.5, 3);
                ox = bx + d * Math.cos(a);
                oy = by + d * Math.sin(a);
            }
            float[] frame = new float[SIZE * SIZE];
            float[] next = new float[SIZE * SIZE];
            float[] u = new float[SIZE * SIZE];
            float[] v = new float[SIZE * SIZE];
            boolean[] mask = new boolean[SIZE * SIZE];
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    int i = y * SIZE + x;
                    frame[i] = pixel(x, y, 0, 0, 0, 0, bg, fg, cx, cy, radius);
                    next[i] = pixel(x, y, bx, by, ox, oy, bg, fg, cx, cy, radius);
                    mask[i] = inside(x, y, cx, cy, radius);
                    u[i] = (float) ((mask[i] ? ox : bx) + (noise > 0 ? noise * r.nextGaussian() : 0));
                    v[i] = (float) ((mask[i] ? oy : by) + (noise > 0 ? noise * r.nextGaussian() : 0));
                }
            }
            out[s] = new Sample(frame, next, new Flow(SIZE, SIZE, u, v), mask, move);
        }
        return out;
    }

    /**
     * A sequence: one disk (radius 6-10 px, times size/32) crossing a frame while the background pans, the disk
     * moving at least 1.7 px per frame against the background and reflected at the borders.
     *
     * @param size   the frames' side
     * @param frames the number of frames, at least 2
     * @param seed   the same seed gives the same sequence
     * @return the frames (grey, [0, 1]), the disk's mask in each, and the exact flow from each frame to the next
     *         (the last frame's flow is the one before it)
     */
    static Sequence sequence(int size, int frames, long seed) {
        return sequence(size, frames, seed, 0);
    }

    /**
     * The same sequence, except that in its last {@code still} steps the disk rides with the background
     * ({@code t_obj = t_bg}): static frames, where motion says nothing of the object.
     *
     * @param still the number of final frames whose flow to the next frame is static (0 to frames)
     */
    static Sequence sequence(int size, int frames, long seed, int still) {
        if (still < 0 || still > frames) {
            throw new IllegalArgumentException("still = " + still + " must lie in [0, " + frames + "]");
        }
        SplittableRandom r = new SplittableRandom(seed);
        double scale = size / (double) SIZE;
        double[][] bg = backgroundWaves(r, scale);
        double[][] fg = diskGratings(r);
        double radius = r.nextDouble(6, 10) * scale;
        double cx = r.nextDouble(radius + 1, size - 1 - radius);
        double cy = r.nextDouble(radius + 1, size - 1 - radius);
        // the background pans by 0.5 px per frame; the disk moves 2.2 to 3.5 px per frame and is reflected at the
        // borders, which keeps |t_obj − t_bg| >= 1.7 px in every frame
        double a = r.nextDouble(0, 2 * Math.PI);
        double bx = 0.5 * Math.cos(a);
        double by = 0.5 * Math.sin(a);
        double b = r.nextDouble(0, 2 * Math.PI);
        double speed = r.nextDouble(2.2, 3.5);
        double vx = speed * Math.cos(b);
        double vy = speed * Math.sin(b);
        float[][] images = new float[frames][size * size];
        boolean[][] masks = new boolean[frames][size * size];
        float[][] us = new float[frames][size * size];
        float[][] vs = new float[frames][size * size];
        double[] ox = new double[frames]; // the disk's offset from (cx, cy)
        double[] oy = new double[frames];
        double lo = radius + 1;
        double hi = size - 1 - radius;
        for (int t = 0; t < frames; t++) {
            if (t > 0 && t - 1 >= frames - still) {
                ox[t] = ox[t - 1] + bx;
                oy[t] = oy[t - 1] + by;
            } else if (t > 0) {
                double x = cx + ox[t - 1] + vx;
                double y = cy + oy[t - 1] + vy;
                if (x < lo || x > hi) {
                    x = x < lo ? 2 * lo - x : 2 * hi - x;
                    vx = -vx;
                }
                if (y < lo || y > hi) {
                    y = y < lo ? 2 * lo - y : 2 * hi - y;
                    vy = -vy;
                }
                ox[t] = x - cx;
                oy[t] = y - cy;
            }
            for (int yy = 0; yy < size; yy++) {
                for (int xx = 0; xx < size; xx++) {
                    int i = yy * size + xx;
                    images[t][i] = pixel(xx, yy, t * bx, t * by, ox[t], oy[t], bg, fg, cx, cy, radius);
                    masks[t][i] = inside(xx - ox[t], yy - oy[t], cx, cy, radius);
                }
            }
        }
        for (int t = 0; t < frames; t++) {
            int from = t < frames - 1 ? t : t - 1;
            double dx = ox[from + 1] - ox[from];
            double dy = oy[from + 1] - oy[from];
            for (int i = 0; i < size * size; i++) {
                us[t][i] = (float) (masks[from][i] ? dx : bx);
                vs[t][i] = (float) (masks[from][i] ? dy : by);
            }
        }
        Flow[] flows = new Flow[frames];
        for (int t = 0; t < frames; t++) {
            flows[t] = new Flow(size, size, us[t], vs[t]);
        }
        return new Sequence(size, images, masks, flows);
    }

    /**
     * @param size   the side
     * @param frames the grey frames
     * @param masks  the disk in each
     * @param flows  the exact flow from each frame to the next (the last: the one before)
     */
    record Sequence(int size, float[][] frames, boolean[][] masks, Flow[] flows) {
    }

    /**
     * The smooth dark background: three low-frequency waves (0.02 to 0.06 cycles per pixel, divided by the scale)
     * with random directions and phases, amplitudes that keep it in [0.01, 0.49].
     *
     * @return per wave {frequency, direction, phase, amplitude}
     */
    private static double[][] backgroundWaves(SplittableRandom r, double scale) {
        double[][] bg = new double[3][4];
        for (double[] w : bg) {
            w[0] = r.nextDouble(0.02, 0.06) / scale;
            w[1] = r.nextDouble(0, 2 * Math.PI);
            w[2] = r.nextDouble(0, 2 * Math.PI);
            w[3] = r.nextDouble(0.02, 0.04);
        }
        return bg;
    }

    /** @return the disk's bright high-frequency texture: two gratings of period 2.5 to 4 px, {angular frequency, direction, phase} */
    private static double[][] diskGratings(SplittableRandom r) {
        double[][] fg = new double[2][3];
        for (double[] w : fg) {
            w[0] = 2 * Math.PI / r.nextDouble(2.5, 4);
            w[1] = r.nextDouble(0, 2 * Math.PI);
            w[2] = r.nextDouble(0, 2 * Math.PI);
        }
        return fg;
    }

    private static boolean inside(double x, double y, double cx, double cy, double radius) {
        return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius;
    }

    /**
     * A frame at pixel (x, y) after the background moved by (bx, by) and the disk, first centred at (cx, cy), by
     * (ox, oy): the moved disk's texture where it covers the pixel, the moved background elsewhere.
     */
    private static float pixel(double x, double y, double bx, double by, double ox, double oy, double[][] bg,
            double[][] fg, double cx, double cy, double radius) {
        return inside(x - ox, y - oy, cx, cy, radius) ? disk(x - ox - cx, y - oy - cy, fg) : background(x - bx, y - by, bg);
    }

    private static float background(double x, double y, double[][] bg) {
        double s = 0.25;
        for (double[] w : bg) {
            s += w[3] * Math.sin(2 * Math.PI * w[0] * (x * Math.cos(w[1]) + y * Math.sin(w[1])) + w[2]) * 2;
        }
        return (float) s;
    }

    private static float disk(double dx, double dy, double[][] fg) {
        double s = 0;
        for (double[] w : fg) {
            s += Math.sin(w[0] * (dx * Math.cos(w[1]) + dy * Math.sin(w[1])) + w[2]);
        }
        return (float) (0.75 + 0.12 * s);
    }
}
