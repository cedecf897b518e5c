package org.modelkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modelkit.io.TestFiles.assertMalformed;
import static org.modelkit.io.TestFiles.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;

class IdxTest {
    static final Path TRAIN_X = data("fashion-mnist/train-2000-images-idx3-ubyte.gz");
    static final Path TRAIN_Y = data("fashion-mnist/train-2000-labels-idx1-ubyte.gz");

    @TempDir
    Path tmp;

    @Test
    void readsFashionMnistSubset() throws IOException {
        LabelledSet s = Idx.readLabelled(TRAIN_X, TRAIN_Y, null);
        assertArrayEquals(new int[] {2000, 28, 28}, s.features().shape());
        assertEquals(10, s.classCount());
        assertEquals(9, s.label(0), "the first Fashion-MNIST training image is an ankle boot");
        int[] counts = new int[10];
        for (int y : s.labels()) {
            counts[y]++;
        }
        for (int c : counts) {
            assertTrue(c > 150 && c < 250, () -> "class counts " + Arrays.toString(counts));
        }
        float max = 0;
        for (float v : s.features().toArray()) {
            assertTrue(v >= 0 && v <= 1);
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
    }

    @Test
    void writesAndReadsBackPlainAndGzip() throws IOException {
        Tensor x = Idx.readImages(data("fashion-mnist/t10k-1000-images-idx3-ubyte.gz")).select(new int[] {0, 5, 7});
        for (String name : new String[] {"x.idx", "x.idx.gz"}) {
            Idx.writeImages(tmp.resolve(name), x);
            assertEquals(x, Idx.readImages(tmp.resolve(name)));
        }
        Idx.writeLabels(tmp.resolve("y.idx"), new int[] {3, 1, 4});
        assertArrayEquals(new int[] {3, 1, 4}, Idx.readLabels(tmp.resolve("y.idx")));
    }

    private Path file(String name, boolean gz, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        if (gz) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(b)) {
                z.write(bytes);
            }
            bytes = b.toByteArray();
        }
        Files.write(p, bytes);
        return p;
    }

    private static byte[] header(int type, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.array();
    }

    private static byte[] concat(byte[] a, int extra) {
        return Arrays.copyOf(a, a.length + extra);
    }

    @Test
    void rejectsMalformedFiles() throws IOException {
        Path magic = file("magic.idx", false, new byte[] {1, 2, 8, 1, 0, 0, 0, 0});
        assertMalformed(magic, "bad magic number 0x01020801", () -> Idx.read(magic));
        Path type = file("type.idx", false, header(0x07, 1));
        assertMalformed(type, "unknown IDX type code 0x07", () -> Idx.read(type));
        Path dims = file("dims.idx", false, new byte[] {0, 0, 8, 0});
        assertMalformed(dims, "declares 0 dimensions", () -> Idx.read(dims));
        Path shortHeader = file("short.idx", false, new byte[] {0, 0, 8});
        assertMalformed(shortHeader, "truncated: the IDX magic number needs 4 bytes, the file has 3",
                () -> Idx.read(shortHeader));
        Path truncated = file("truncated.idx", false, concat(header(8, 10, 28, 28), 100));
        assertMalformed(truncated, "truncated: header declares [10, 28, 28] = 7840 values (7840 bytes) but the file holds 100",
                () -> Idx.read(truncated));
        Path truncatedGz = file("truncated.idx.gz", true, concat(header(8, 10, 28, 28), 100));
        assertMalformed(truncatedGz, "needs 7840 bytes, the file has 100", () -> Idx.read(truncatedGz));
        Path trailing = file("trailing.idx", false, concat(header(8, 2), 3));
        assertMalformed(trailing, "trailing data after the 2 values", () -> Idx.read(trailing));
        Path notImages = file("labels-as-images.idx", false, concat(header(8, 4), 4));
        assertMalformed(notImages, "images must have 3 dimensions [n, rows, cols], got [4]",
                () -> Idx.readImages(notImages));
        Path floats = file("float-labels.idx", false, concat(header(0x0D, 1), 4));
        assertMalformed(floats, "labels must have an integer type", () -> Idx.readLabels(floats));
    }

    @Test
    void hugeDeclaredSizesFailWithoutAllocating() throws IOException {
        // 65535^3 values: refused from the header alone
        Path huge = file("huge.idx", false, header(8, 65535, 65535, 65535));
        assertMalformed(huge, "more than", () -> Idx.read(huge));
        // 1.9 G values declared in a gzip of a few bytes: the reader must fail on the missing data, not on memory
        Path hugeGz = file("huge.idx.gz", true, concat(header(8, 1_900_000_000), 10));
        long before = Runtime.getRuntime().totalMemory();
        assertMalformed(hugeGz, "needs 1900000000 bytes, the file has 10", () -> Idx.read(hugeGz));
        assertTrue(Runtime.getRuntime().totalMemory() - before < 512L << 20, "the reader grew the heap by over 512 MB");
        Path corruptGz = file("corrupt.idx.gz", false, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});
        assertMalformed(corruptGz, "corrupt", () -> Idx.read(corruptGz));
    }

    @Test
    void labelCountMustMatchImageCount() throws IOException {
        Path y = tmp.resolve("y.idx");
        Idx.writeLabels(y, new int[] {1, 2});
        assertMalformed(y, "holds 2 labels but train-2000-images-idx3-ubyte.gz holds 2000 images",
                () -> Idx.readLabelled(TRAIN_X, y, null));
    }

    @Test
    void readsRangesOfRecordsAsTheWholeFileHoldsThem() throws IOException {
        Tensor all = Idx.readImages(TRAIN_X);
        int[] labels = Idx.readLabels(TRAIN_Y);
        Path plain = tmp.resolve("x.idx");
        Idx.writeImages(plain, all);
        assertArrayEquals(new int[] {2000, 28, 28}, Idx.readHeader(TRAIN_X).dims());
        assertEquals(0, Idx.readHeader(TRAIN_X).values().length);
        for (Path x : new Path[] {TRAIN_X, plain}) {
            for (int[] r : new int[][] {{0, 1}, {0, 2000}, {777, 333}, {1999, 1}, {2000, 0}}) {
                int[] rows = new int[r[1]];
                Arrays.setAll(rows, i -> r[0] + i);
                assertEquals(all.select(rows), Idx.readImages(x, r[0], r[1]), () -> x + " " + Arrays.toString(r));
                assertArrayEquals(Arrays.copyOfRange(labels, r[0], r[0] + r[1]), Idx.readLabels(TRAIN_Y, r[0], r[1]));
            }
        }
        // different ranges give different images (a reader that ignored 'from' would fail here)
        assertTrue(!Idx.readImages(TRAIN_X, 0, 1).equals(Idx.readImages(TRAIN_X, 1, 1)));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Idx.readImages(TRAIN_X, 1990, 11));
        assertTrue(e.getMessage().contains("records [1990, 2001) of '" + TRAIN_X + "': it holds 2000"), e.getMessage());
        // a file cut short inside or before the range: named as truncated
        Path truncatedGz = file("cut.idx.gz", true, concat(header(8, 10, 28, 28), 784 * 3 + 100));
        assertMalformed(truncatedGz, "truncated", () -> Idx.read(truncatedGz, 2, 2));
        assertMalformed(truncatedGz, "truncated", () -> Idx.read(truncatedGz, 5, 1));
        assertEquals(784, Idx.read(truncatedGz, 1, 1).values().length, "records before the cut still read");
        Path negative = file("negative.idx", false, concat(header(0x09, 3), 0));
        Files.write(negative, new byte[] {0, 0, 9, 1, 0, 0, 0, 3, 1, 2, -1});
        assertMalformed(negative, "label 2 is negative", () -> Idx.readLabels(negative, 1, 2));
    }
}
