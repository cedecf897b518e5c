package org.modelkit.nn;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.modelkit.io.AtomicFiles;
import org.modelkit.io.FormatException;

/**
 * Parameters as one file of little-endian float32 values, the arrays one after another in a fixed order: a format any
 * engine or script reads ({@code numpy.fromfile(f, '<f4')}), unlike DJL's own ({@link Parameters}). The order and
 * shapes are the caller's, kept in its {@code model.json}.
 *
 * @since 0.5
 */
public final class RawWeights {
    private RawWeights() {
    }

    /**
     * @param file   the file to write (temporary file, then rename)
     * @param arrays the arrays, in order
     * @throws IOException if writing fails; the file is then as it was
     */
    public static void write(Path file, List<NDArray> arrays) throws IOException {
        long n = 0;
        for (NDArray a : arrays) {
            n += a.size();
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(4 * n)).order(ByteOrder.LITTLE_ENDIAN);
        for (NDArray a : arrays) {
            b.asFloatBuffer().put(a.toFloatArray());
            b.position(b.position() + 4 * (int) a.size());
        }
        AtomicFiles.write(file, out -> out.write(b.array()));
    }

    /**
     * Reads a file written by {@link #write} into arrays of the same shapes, in place.
     *
     * @param file   the file
     * @param arrays the arrays to fill, in order (their sizes fix the file's)
     * @param what   what needs the values, for the message ("the static net")
     * @throws FormatException if the file's size does not fit the arrays or a value is not finite
     * @throws IOException     if the file cannot be read
     */
    public static void read(Path file, List<NDArray> arrays, String what) throws IOException {
        long expected = 0;
        for (NDArray a : arrays) {
            expected += 4 * a.size();
        }
        long size = Files.size(file);
        if (size != expected) {
            throw new FormatException(file, "holds " + size + " bytes; " + what + " needs " + expected);
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        for (NDArray a : arrays) {
            float[] v = new float[(int) a.size()];
            b.asFloatBuffer().get(v);
            b.position(b.position() + 4 * v.length);
            for (float x : v) {
                if (!Float.isFinite(x)) {
                    throw new FormatException(file, "holds a weight " + x);
                }
            }
            a.set(v);
        }
    }
}
