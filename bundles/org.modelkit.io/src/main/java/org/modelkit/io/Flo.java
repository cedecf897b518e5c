package org.modelkit.io;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.modelkit.api.data.Flow;

/**
 * Middlebury optical flow files ({@code .flo}, the format of the Middlebury, Sintel and FlyingChairs benchmarks):
 * the float 202021.25 (the bytes "PIEH"), the width and the height as 32-bit integers, then u and v interleaved
 * row by row from the top, all little-endian. A component of magnitude 1e9 or more marks unknown flow. Also the
 * benchmarks' colour coding of a flow as a picture (Baker et al., "A Database and Evaluation Methodology for
 * Optical Flow", 2011): hue is the direction, saturation the length relative to the largest.
 */
public final class Flo {
    /** The magic number, the bytes "PIEH" read as a little-endian float. */
    static final float MAGIC = 202021.25f;
    /** Middlebury's threshold: a component this large or larger is unknown flow. */
    static final float UNKNOWN = 1e9f;

    private Flo() {
    }

    /**
     * @param path the file (optionally gzip-compressed)
     * @return the flow; unknown pixels are NaN
     * @throws FormatException if the magic is wrong, a size is out of range, the data is truncated or followed
     *                         by more bytes, or a component is NaN or infinite
     * @throws IOException     if the file cannot be read
     */
    public static Flow read(Path path) throws IOException {
        try (InputStream in = Sources.open(path)) {
            ByteBuffer head = ByteBuffer.wrap(Sources.readExactly(in, 12, path, "the 12-byte header"))
                    .order(ByteOrder.LITTLE_ENDIAN);
            float magic = head.getFloat();
            if (magic != MAGIC) {
                throw new FormatException(path, "bad magic " + magic + ": a .flo file starts with 202021.25 (\"PIEH\")");
            }
            int w = head.getInt();
            int h = head.getInt();
            if (w < 1 || w > Images.MAX_SIDE || h < 1 || h > Images.MAX_SIDE) {
                throw new FormatException(path, "size " + w + "x" + h + " is outside [1, " + Images.MAX_SIDE + "] per side");
            }
            long bytes = 8L * w * h;
            if (!Sources.isGzip(path) && Files.size(path) != 12 + bytes) {
                throw new FormatException(path, "a " + w + "x" + h + " flow takes " + (12 + bytes) + " bytes, the file has "
                        + Files.size(path));
            }
            ByteBuffer b = ByteBuffer.wrap(Sources.readExactly(in, bytes, path, "the " + w + "x" + h + " flow vectors"))
                    .order(ByteOrder.LITTLE_ENDIAN);
            if (in.read() >= 0) {
                throw new FormatException(path, "has bytes after the " + w + "x" + h + " flow vectors");
            }
            float[] u = new float[w * h];
            float[] v = new float[w * h];
            for (int i = 0; i < u.length; i++) {
                float a = b.getFloat();
                float c = b.getFloat();
                if (!Float.isFinite(a) || !Float.isFinite(c)) {
                    throw new FormatException(path, "pixel (" + i % w + ", " + i / w + ") has flow (" + a + ", " + c
                            + "); unknown flow is written as 1e9 or more, not as NaN or infinity");
                }
                boolean unknown = Math.abs(a) >= UNKNOWN || Math.abs(c) >= UNKNOWN;
                u[i] = unknown ? Float.NaN : a;
                v[i] = unknown ? Float.NaN : c;
            }
            return new Flow(w, h, u, v);
        }
    }

    /**
     * Writes a flow atomically; unknown pixels as 1e10.
     *
     * @throws IOException if writing fails; the file is then as it was
     */
    public static void write(Path path, Flow flow) throws IOException {
        int w = flow.width();
        int h = flow.height();
        float[] u = flow.u();
        float[] v = flow.v();
        ByteBuffer b = ByteBuffer.allocate(12 + 8 * w * h).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(MAGIC).putInt(w).putInt(h);
        for (int i = 0; i < u.length; i++) {
            b.putFloat(Float.isNaN(u[i]) ? 1e10f : u[i]).putFloat(Float.isNaN(v[i]) ? 1e10f : v[i]);
        }
        AtomicFiles.write(path, out -> out.write(b.array()));
    }

    /**
     * The benchmarks' colour coding: the direction of each vector is a hue on the Middlebury colour wheel (55
     * colours: red, yellow, green, cyan, blue, magenta), its length over {@code maxLength} the saturation; unknown
     * pixels are black.
     *
     * @param flow      the flow
     * @param maxLength the length drawn fully saturated; 0 or less: the largest known length in the flow
     * @return an RGB picture of the flow's size
     */
    public static BufferedImage picture(Flow flow, double maxLength) {
        int w = flow.width();
        int h = flow.height();
        float[] u = flow.u();
        float[] v = flow.v();
        double max = maxLength;
        if (!(max > 0)) {
            max = 0;
            for (int i = 0; i < u.length; i++) {
                if (!Float.isNaN(u[i])) {
                    max = Math.max(max, Math.hypot(u[i], v[i]));
                }
            }
        }
        int[][] wheel = wheel();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < u.length; i++) {
            int rgb = 0;
            if (!Float.isNaN(u[i])) {
                double fx = max > 0 ? u[i] / max : 0;
                double fy = max > 0 ? v[i] / max : 0;
                double rad = Math.min(1, Math.hypot(fx, fy));
                double a = Math.atan2(-fy, -fx) / Math.PI; // in [-1, 1]
                double fk = (a + 1) / 2 * (wheel.length - 1);
                int k0 = (int) Math.floor(fk);
                int k1 = (k0 + 1) % wheel.length;
                double f = fk - k0;
                rgb = 0;
                for (int c = 0; c < 3; c++) {
                    double col = ((1 - f) * wheel[k0][c] + f * wheel[k1][c]) / 255.0;
                    col = 1 - rad * (1 - col); // short vectors fade to white
                    rgb = rgb << 8 | (int) Math.round(255 * col);
                }
            }
            img.setRGB(i % w, i / w, rgb);
        }
        return img;
    }

    /** The Middlebury colour wheel: 15 red-yellow, 6 yellow-green, 4 green-cyan, 11 cyan-blue, 13 blue-magenta, 6 magenta-red. */
    static int[][] wheel() {
        int[] segments = {15, 6, 4, 11, 13, 6};
        int[][] out = new int[55][3];
        int k = 0;
        for (int s = 0; s < segments.length; s++) {
            for (int i = 0; i < segments[s]; i++, k++) {
                int ramp = (int) Math.floor(255.0 * i / segments[s]);
                switch (s) {
                    case 0 -> out[k] = new int[] {255, ramp, 0};
                    case 1 -> out[k] = new int[] {255 - ramp, 255, 0};
                    case 2 -> out[k] = new int[] {0, 255, ramp};
                    case 3 -> out[k] = new int[] {0, 255 - ramp, 255};
                    case 4 -> out[k] = new int[] {ramp, 0, 255};
                    default -> out[k] = new int[] {255, 0, 255 - ramp};
                }
            }
        }
        return out;
    }
}
