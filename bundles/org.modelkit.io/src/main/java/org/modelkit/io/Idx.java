package org.modelkit.io;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;

/**
 * The IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed.
 *
 * <p>Layout: two zero bytes, a type byte (0x08 unsigned byte, 0x09 signed byte, 0x0B short, 0x0C
 * int, 0x0D float, 0x0E double), a byte with the number of dimensions (1 to 8), then each dimension
 * as a big-endian 32-bit count, then the values in row-major order, big-endian.
 */
public final class Idx {
    /** Type code of unsigned bytes, the type of MNIST images and labels. */
    public static final int UBYTE = 0x08;
    private static final int MAX_DIMS = 8;

    private Idx() {
    }

    /**
     * The decoded content of an IDX file.
     *
     * @param type   the type code from the header
     * @param dims   the dimensions
     * @param values the values as doubles, row-major (exact for every IDX type)
     */
    public record IdxArray(int type, int[] dims, double[] values) {
    }

    /**
     * Reads any IDX file.
     *
     * @param path the file, plain or gzip
     * @return the header and values
     * @throws FormatException if the magic is wrong, a dimension is zero-length or the declared size
     *                         exceeds the file, or the file is truncated
     * @throws IOException     if the file cannot be read
     */
    public static IdxArray read(Path path) throws IOException {
        try (InputStream in = Sources.open(path)) {
            Header h = header(in, path);
            ByteBuffer body = ByteBuffer.wrap(Sources.readExactly(in, h.count * h.width, path, "the values "
                    + Arrays.toString(h.dims)));
            if (in.read() >= 0) {
                throw new FormatException(path, "trailing data after the " + h.count + " values the header declares");
            }
            return new IdxArray(h.type, h.dims, decode(h.type, body, (int) h.count));
        }
    }

    /**
     * Reads only the header of an IDX file: what a job that splits the file into ranges of records needs first.
     *
     * @param path the file, plain or gzip
     * @return the type code and dimensions, with no values
     * @throws FormatException as {@link #read(Path)} for the header (and, for a plain file, its declared size)
     * @throws IOException     if the file cannot be read
     * @since 1.9
     */
    public static IdxArray readHeader(Path path) throws IOException {
        try (InputStream in = Sources.open(path)) {
            Header h = header(in, path);
            return new IdxArray(h.type, h.dims, new double[0]);
        }
    }

    /**
     * Reads a range of records, the slices along the first dimension {@code [from, from + count)}: a partition of a
     * large file, read without decoding what lies before it (a gzip file is still decompressed up to it).
     *
     * @param path  the file, plain or gzip
     * @param from  the first record
     * @param count how many records
     * @return the header's type, the dimensions with the first one set to {@code count}, and those records' values
     * @throws IllegalArgumentException if the range does not lie within the file's records
     * @throws FormatException          as {@link #read(Path)}; data after the range is not looked at
     * @throws IOException              if the file cannot be read
     * @since 1.9
     */
    public static IdxArray read(Path path, int from, int count) throws IOException {
        try (InputStream in = Sources.open(path)) {
            Header h = header(in, path);
            if (from < 0 || count < 0 || (long) from + count > h.dims[0]) {
                throw new IllegalArgumentException("records [" + from + ", " + ((long) from + count) + ") of '" + path
                        + "': it holds " + h.dims[0]);
            }
            long perRecord = h.dims[0] == 0 ? 0 : h.count / h.dims[0];
            long skip = from * perRecord * h.width;
            try {
                in.skipNBytes(skip);
            } catch (java.io.EOFException e) {
                throw new FormatException(path, "truncated: the header declares " + Arrays.toString(h.dims)
                        + " but the data ends before record " + from);
            }
            int[] dims = h.dims.clone();
            dims[0] = count;
            ByteBuffer body = ByteBuffer.wrap(Sources.readExactly(in, count * perRecord * h.width, path, "records " + from
                    + " to " + ((long) from + count - 1) + " of " + Arrays.toString(h.dims)));
            return new IdxArray(h.type, dims, decode(h.type, body, (int) (count * perRecord)));
        }
    }

    /** A checked header: type, value width in bytes, dimensions and their product. */
    private record Header(int type, int width, int[] dims, long count) {
    }

    private static Header header(InputStream in, Path path) throws IOException {
        byte[] head = Sources.readExactly(in, 4, path, "the IDX magic number");
        if (head[0] != 0 || head[1] != 0) {
            throw new FormatException(path, String.format(
                    "bad magic number 0x%02x%02x%02x%02x: an IDX file starts with two zero bytes",
                    head[0], head[1], head[2], head[3]));
        }
        int type = head[2] & 0xff;
        int width = switch (type) {
            case 0x08, 0x09 -> 1;
            case 0x0B -> 2;
            case 0x0C, 0x0D -> 4;
            case 0x0E -> 8;
            default -> throw new FormatException(path, String.format("unknown IDX type code 0x%02x"
                    + " (expected 08, 09, 0B, 0C, 0D or 0E)", type));
        };
        int ndim = head[3] & 0xff;
        if (ndim < 1 || ndim > MAX_DIMS) {
            throw new FormatException(path, "IDX header declares " + ndim + " dimensions; 1 to " + MAX_DIMS
                    + " are supported");
        }
        ByteBuffer dimBytes = ByteBuffer.wrap(Sources.readExactly(in, 4L * ndim, path, "the dimension counts"));
        int[] dims = new int[ndim];
        long count = 1;
        for (int i = 0; i < ndim; i++) {
            long d = Integer.toUnsignedLong(dimBytes.getInt());
            if (d > Integer.MAX_VALUE) {
                throw new FormatException(path, "dimension " + i + " declares " + d + " entries, too many");
            }
            dims[i] = (int) d;
            count *= d;
            if (count > Integer.MAX_VALUE - 8) {
                throw new FormatException(path, "IDX header declares " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                        + "... = more than " + (Integer.MAX_VALUE - 8) + " values");
            }
        }
        long bytes = count * width;
        if (!Sources.isGzip(path)) {
            long available = Files.size(path) - 4 - 4L * ndim;
            if (available < bytes) {
                throw new FormatException(path, "truncated: header declares " + Arrays.toString(dims) + " = " + count
                        + " values (" + bytes + " bytes) but the file holds " + available + " bytes of data");
            }
        }
        return new Header(type, width, dims, count);
    }

    private static double[] decode(int type, ByteBuffer body, int n) {
        double[] values = new double[n];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (type) {
                case 0x08 -> body.get() & 0xff;
                case 0x09 -> body.get();
                case 0x0B -> body.getShort();
                case 0x0C -> body.getInt();
                case 0x0D -> body.getFloat();
                default -> body.getDouble();
            };
        }
        return values;
    }

    /**
     * Reads images stored as unsigned bytes, scaled to {@code [0, 1]}.
     *
     * @param path an IDX file of type 0x08 with 3 dimensions {@code [n, rows, cols]}
     * @return a tensor of shape {@code [n, rows, cols]}
     * @throws FormatException if the file is malformed, not unsigned bytes, or not 3-dimensional
     * @throws IOException     if the file cannot be read
     */
    public static Tensor readImages(Path path) throws IOException {
        return images(path, read(path));
    }

    /**
     * Reads a range of images, as {@link #readImages(Path)} reads them all.
     *
     * @param path  an IDX file of type 0x08 with 3 dimensions {@code [n, rows, cols]}
     * @param from  the first image
     * @param count how many
     * @return a tensor of shape {@code [count, rows, cols]}
     * @throws IllegalArgumentException if the range does not lie within the file's images
     * @throws FormatException          if the file is malformed, not unsigned bytes, or not 3-dimensional
     * @throws IOException              if the file cannot be read
     * @since 1.9
     */
    public static Tensor readImages(Path path, int from, int count) throws IOException {
        return images(path, read(path, from, count));
    }

    private static Tensor images(Path path, IdxArray a) throws FormatException {
        if (a.type() != UBYTE) {
            throw new FormatException(path, String.format("images must be unsigned bytes (type 0x08), got type 0x%02x",
                    a.type()));
        }
        if (a.dims().length != 3) {
            throw new FormatException(path, "images must have 3 dimensions [n, rows, cols], got "
                    + Arrays.toString(a.dims()));
        }
        float[] f = new float[a.values().length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (a.values()[i] / 255.0);
        }
        return Tensor.of(f, a.dims());
    }

    /**
     * Reads class labels.
     *
     * @param path an IDX file of an integer type with 1 dimension
     * @return the labels
     * @throws FormatException if the file is malformed, of a floating type, not 1-dimensional, or
     *                         holds a negative label or one above 65,535
     * @throws IOException     if the file cannot be read
     */
    public static int[] readLabels(Path path) throws IOException {
        return labels(path, read(path), 0);
    }

    /**
     * Reads a range of labels, as {@link #readLabels(Path)} reads them all.
     *
     * @param path  an IDX file of an integer type with 1 dimension
     * @param from  the first label
     * @param count how many
     * @return the labels
     * @throws IllegalArgumentException if the range does not lie within the file's labels
     * @throws FormatException          as {@link #readLabels(Path)} (a label's position is counted in the file)
     * @throws IOException              if the file cannot be read
     * @since 1.9
     */
    public static int[] readLabels(Path path, int from, int count) throws IOException {
        return labels(path, read(path, from, count), from);
    }

    private static int[] labels(Path path, IdxArray a, int from) throws FormatException {
        if (a.type() == 0x0D || a.type() == 0x0E) {
            throw new FormatException(path, "labels must have an integer type, got floating type");
        }
        if (a.dims().length != 1) {
            throw new FormatException(path, "labels must have 1 dimension, got " + Arrays.toString(a.dims()));
        }
        int[] labels = new int[a.values().length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (int) a.values()[i];
            if (labels[i] < 0) {
                throw new FormatException(path, "label " + (from + i) + " is negative (" + labels[i] + ")");
            }
            if (a.values()[i] > Sources.MAX_LABEL) {
                throw new FormatException(path, "label " + (from + i) + " is " + (long) a.values()[i] + ", above "
                        + Sources.MAX_LABEL);
            }
        }
        return labels;
    }

    /**
     * Reads an image file and its label file as one labelled set.
     *
     * @param images     IDX images, see {@link #readImages}
     * @param labels     IDX labels, see {@link #readLabels}
     * @param classNames the class names, or null to name them by number
     * @return the set, with features of shape {@code [n, rows, cols]} in {@code [0, 1]}
     * @throws FormatException if either file is malformed, the counts differ, or a label has no class name
     * @throws IOException     if a file cannot be read
     */
    public static LabelledSet readLabelled(Path images, Path labels, List<String> classNames) throws IOException {
        Tensor x = readImages(images);
        int[] y = readLabels(labels);
        if (y.length != x.dim(0)) {
            throw new FormatException(labels, "holds " + y.length + " labels but " + images.getFileName() + " holds "
                    + x.dim(0) + " images");
        }
        try {
            return classNames == null ? LabelledSet.withNumberedClasses(x, y) : new LabelledSet(x, y, classNames);
        } catch (IllegalArgumentException e) {
            throw new FormatException(labels, e.getMessage());
        }
    }

    /**
     * Writes unsigned-byte images atomically; gzip-compressed if the name ends in ".gz".
     *
     * @param path   the file
     * @param images a tensor of rank at least 1 with values in {@code [0, 1]} (rounded to 1/255)
     * @throws IllegalArgumentException if a value is outside {@code [0, 1]} or the rank exceeds 8
     * @throws IOException              if writing fails; the file is then as it was
     */
    public static void writeImages(Path path, Tensor images) throws IOException {
        int[] dims = images.shape();
        if (dims.length < 1 || dims.length > MAX_DIMS) {
            throw new IllegalArgumentException("IDX holds 1 to 8 dimensions, the tensor has " + dims.length);
        }
        byte[] body = new byte[images.size()];
        for (int i = 0; i < body.length; i++) {
            float v = images.getFlat(i);
            if (v < 0f || v > 1f) {
                throw new IllegalArgumentException("value " + i + " is " + v + "; images must lie in [0, 1]");
            }
            body[i] = (byte) Math.round(v * 255f);
        }
        write(path, dims, body);
    }

    /**
     * Writes labels as unsigned bytes atomically; gzip-compressed if the name ends in ".gz".
     *
     * @param path   the file
     * @param labels labels in {@code [0, 255]}
     * @throws IllegalArgumentException if a label is outside {@code [0, 255]}
     * @throws IOException              if writing fails; the file is then as it was
     */
    public static void writeLabels(Path path, int[] labels) throws IOException {
        byte[] body = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 255) {
                throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " does not fit an unsigned byte");
            }
            body[i] = (byte) labels[i];
        }
        write(path, new int[] {labels.length}, body);
    }

    private static void write(Path path, int[] dims, byte[] body) throws IOException {
        boolean gz = path.getFileName().toString().endsWith(".gz");
        AtomicFiles.write(path, raw -> {
            GZIPOutputStream z = gz ? new GZIPOutputStream(raw, 1 << 16) : null;
            DataOutputStream out = new DataOutputStream(gz ? z : raw);
            out.writeInt(UBYTE << 8 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(body);
            out.flush();
            if (z != null) {
                z.finish();
            }
        });
    }
}
