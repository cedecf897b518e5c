package org.modelkit.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.modelkit.api.data.Disparity;

/**
 * Portable float maps (PFM), the format of Middlebury and SceneFlow disparities: a line "Pf"
 * (one channel), a line "width height", a line with a scale whose sign gives the byte order
 * (negative = little endian), then 32-bit floats row by row from the <em>bottom</em> row up.
 * Infinite or NaN values mark pixels without disparity.
 */
public final class Pfm {
    private Pfm() {
    }

    /**
     * Reads a one-channel PFM as a disparity map (row 0 on top).
     *
     * @param path the file
     * @return the map; non-finite values are invalid pixels
     * @throws FormatException if the header is malformed, the file is a 3-channel "PF", a size is out
     *                         of range, the data is truncated, or a finite value is negative
     * @throws IOException     if the file cannot be read
     */
    public static Disparity read(Path path) throws IOException {
        try (InputStream in = Sources.open(path)) {
            String magic = line(in, path);
            if (magic.equals("PF")) {
                throw new FormatException(path, "is a 3-channel PFM ('PF'); a disparity map has one channel ('Pf')");
            }
            if (!magic.equals("Pf")) {
                throw new FormatException(path, "bad magic '" + Csv.abbreviate(magic) + "': a one-channel PFM starts with Pf");
            }
            String[] size = line(in, path).trim().split("\\s+");
            if (size.length != 2) {
                throw new FormatException(path, "second line must be 'width height'");
            }
            int w = side(path, size[0], "width");
            int h = side(path, size[1], "height");
            double scale;
            try {
                scale = Double.parseDouble(line(in, path).trim());
            } catch (NumberFormatException e) {
                throw new FormatException(path, "third line must be the scale, a non-zero number");
            }
            if (scale == 0 || !Double.isFinite(scale)) {
                throw new FormatException(path, "scale must be a non-zero number, got " + scale);
            }
            long bytes = 4L * w * h;
            if (!Sources.isGzip(path) && Files.size(path) < bytes) {
                throw new FormatException(path, "truncated: " + w + "x" + h + " floats need " + bytes
                        + " bytes, the whole file has " + Files.size(path));
            }
            ByteBuffer b = ByteBuffer.wrap(Sources.readExactly(in, bytes, path, "the " + w + "x" + h + " floats"))
                    .order(scale < 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            float[] v = new float[w * h];
            for (int y = h - 1; y >= 0; y--) {
                for (int x = 0; x < w; x++) {
                    v[y * w + x] = b.getFloat();
                }
            }
            for (int i = 0; i < v.length; i++) {
                if (Float.isFinite(v[i]) && v[i] < 0) {
                    throw new FormatException(path, "pixel (" + (i % w) + ", " + (i / w) + ") has negative disparity " + v[i]);
                }
            }
            return Disparity.fromRaw(w, h, v);
        }
    }

    /**
     * Writes a disparity map atomically as little-endian "Pf", invalid pixels as +infinity.
     *
     * @param path the file
     * @param map  the map
     * @throws IOException if writing fails; the file is then as it was
     */
    public static void write(Path path, Disparity map) throws IOException {
        int w = map.width();
        int h = map.height();
        float[] v = map.toArray();
        ByteBuffer b = ByteBuffer.allocate(4 * w * h).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = h - 1; y >= 0; y--) {
            for (int x = 0; x < w; x++) {
                float d = v[y * w + x];
                b.putFloat(Float.isNaN(d) ? Float.POSITIVE_INFINITY : d);
            }
        }
        byte[] header = ("Pf\n" + w + " " + h + "\n-1.0\n").getBytes(StandardCharsets.US_ASCII);
        AtomicFiles.write(path, out -> {
            out.write(header);
            out.write(b.array());
        });
    }

    private static int side(Path path, String s, String what) throws FormatException {
        try {
            int v = Integer.parseInt(s);
            if (v < 1 || v > Images.MAX_SIDE) {
                throw new FormatException(path, what + " " + v + " is outside [1, " + Images.MAX_SIDE + "]");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new FormatException(path, what + " '" + Csv.abbreviate(s) + "' is not an integer");
        }
    }

    private static String line(InputStream in, Path path) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            sb.append((char) c);
            if (sb.length() > 64) {
                throw new FormatException(path, "header line longer than 64 characters; not a PFM file");
            }
        }
        if (c < 0 && sb.length() == 0) {
            throw new FormatException(path, "truncated header");
        }
        return sb.toString();
    }
}
