package org.modelkit.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Graph;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;

/**
 * Fuzz targets for every reader of this bundle (Jazzer). The contract each input must keep: the reader returns a valid
 * value or throws its declared exception ({@link IOException}, mostly {@link FormatException}; {@link LabelledFiles}
 * also {@link IllegalArgumentException}) with a message; never another exception, never more than a second of CPU
 * (measured on the reading thread, so a busy machine does not count), never
 * more memory than the 256 MB heap the fuzz runs get (an {@link OutOfMemoryError} fails the target).
 *
 * <p>{@code mvn verify} replays the committed inputs ({@code src/test/resources/org/modelkit/io/ReadersFuzzTestInputs/
 * TARGET/}: seeds made from {@code testdata/}, and every crash found, kept as a regression case); {@code
 * benchmarks/fuzz/run} fuzzes each target ({@code JAZZER_FUZZ=1}, one JVM per target).
 */
class ReadersFuzzTest {
    /** The reading thread's CPU time: the one-second bound is on work, not on waiting for a busy machine. */
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    /** The per-input time bound. */
    static final long LIMIT_NANOS = 1_000_000_000L;

    private static final Path DIR = scratch();

    /** A scratch folder in memory where the machine has one (/dev/shm), so that a file per input stays cheap. */
    private static Path scratch() {
        try {
            Path shm = Path.of("/dev/shm");
            Path d = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "modelkit-fuzz")
                    : Files.createTempDirectory("modelkit-fuzz");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var all = Files.walk(d)) {
                    all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    // left to the system
                }
            }));
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static {
        warmUp();
    }

    /**
     * Loads (and, when fuzzing, instruments) the readers' classes before the first input: otherwise the first input of
     * a target pays for loading Gson or ImageIO, which took more than the one-second bound under instrumentation.
     */
    private static void warmUp() {
        try {
            Json.read(file("warm.json", "{\"name\": \"a\", \"values\": [1], \"figures\": {}}".getBytes()), Sample.class);
            Json.read(file("warm.json", "{\"a\": [1, {\"b\": true}]}".getBytes()), Map.class);
            Images.read(file("warm.pgm", "P2 1 1 1 1".getBytes()));
            Csv.readLabelled(file("warm.csv", "1,0\n2,1\n".getBytes()), false, -1);
            Gml.read(file("warm.gml", "graph [ node [ id 1 ] ]".getBytes()), null);
            EdgeList.read(file("warm.edges", "a b\n".getBytes()), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String bad : List.of("warm.png", "warm.jpg", "warm.pfm", "warm.flo", "warm.gt", "warm.idx")) {
            try {
                Path p = file(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
                switch (bad.substring(5)) {
                    case "png", "jpg" -> Images.read(p);
                    case "pfm" -> Pfm.read(p);
                    case "flo" -> Flo.read(p);
                    case "gt" -> GraphTool.read(p, null, null);
                    default -> Idx.read(p);
                }
            } catch (IOException expected) {
                // the error paths load their classes too
            }
        }
    }

    interface Read {
        Object read() throws IOException;
    }

    /** Runs one read under the contract; anything else escapes and is the finding. */
    static void check(String target, Read read, boolean illegalArgumentDeclared) {
        long t0 = CPU.getCurrentThreadCpuTime();
        try {
            Object v = read.read();
            if (v == null) {
                throw new AssertionError(target + " returned null");
            }
        } catch (IOException e) {
            requireMessage(target, e);
        } catch (IllegalArgumentException e) {
            if (!illegalArgumentDeclared) {
                throw e;
            }
            requireMessage(target, e);
        }
        long took = CPU.getCurrentThreadCpuTime() - t0;
        if (took > LIMIT_NANOS) {
            throw new AssertionError(target + " took " + took / 1_000_000 + " ms of CPU on one input (limit "
                    + LIMIT_NANOS / 1_000_000 + " ms)");
        }
    }

    private static void requireMessage(String target, Exception e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError(target + " threw " + e.getClass().getName() + " without a message", e);
        }
    }

    static Path file(String name, byte[] data) {
        try {
            Path p = DIR.resolve(name);
            Files.write(p, data);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The first byte picks options; the rest is the file (an empty input is an empty file with option 0). */
    static int option(byte[] data) {
        return data.length == 0 ? 0 : data[0] & 0xff;
    }

    static byte[] rest(byte[] data) {
        return data.length == 0 ? data : Arrays.copyOfRange(data, 1, data.length);
    }

    // ---- the targets ----

    @FuzzTest
    void idx(byte[] data) {
        Path p = file("x.idx", data);
        check("Idx.read", () -> valid(Idx.read(p)), false);
        check("Idx.readImages", () -> valid(Idx.readImages(p)), false);
        check("Idx.readLabels", () -> Idx.readLabels(p), false);
        check("Idx.read (a range)", () -> valid(range(p)), false);
    }

    /** The ranged read of a batch job: the last two thirds of the records the header declares. */
    private static Idx.IdxArray range(Path p) throws IOException {
        int n = Idx.readHeader(p).dims()[0];
        return Idx.read(p, n / 3, n - n / 3);
    }

    /** The same parser behind gzip, where the file's length says nothing about what a header may declare. */
    @FuzzTest
    void idxGz(byte[] data) {
        Path p = file("x.idx.gz", gzip(data));
        check("Idx.read (gzip)", () -> valid(Idx.read(p)), false);
        check("Idx.read (gzip, a range)", () -> valid(range(p)), false);
    }

    @FuzzTest
    void csv(byte[] data) {
        int o = option(data);
        Path p = file("x.csv", rest(data));
        check("Csv.readMatrix", () -> valid(Csv.readMatrix(p, (o & 1) != 0).values()), false);
        check("Csv.readLabelled", () -> valid(Csv.readLabelled(p, (o & 2) != 0, (o >> 2 & 3) - 1)), false);
    }

    @FuzzTest
    void labelledCsv(byte[] data) {
        Path p = file("x.csv", data);
        check("LabelledFiles.read", () -> valid(LabelledFiles.read(p)), true);
    }

    @FuzzTest
    void edgeList(byte[] data) {
        int o = option(data);
        Path p = file("x.edges", rest(data));
        check("EdgeList.read", () -> valid(EdgeList.read(p, (o & 1) != 0)), false);
    }

    @FuzzTest
    void gml(byte[] data) {
        int o = option(data);
        Path p = file("x.gml", rest(data));
        check("Gml.read", () -> valid(Gml.read(p, (o & 1) != 0 ? "value" : null)), false);
    }

    @FuzzTest
    void graphTool(byte[] data) {
        int o = option(data);
        Path p = file("x.gt", rest(data));
        check("GraphTool.read", () -> valid(GraphTool.read(p, (o & 1) != 0 ? "value" : null, (o & 2) != 0 ? "weight" : null)
                .graph()), false);
    }

    @FuzzTest
    void graphToolGz(byte[] data) {
        Path p = file("x.gt.gz", gzip(data));
        check("GraphTool.read (gzip)", () -> valid(GraphTool.read(p, null, null).graph()), false);
    }

    @FuzzTest
    void pgm(byte[] data) {
        Path p = file("x.pgm", data);
        check("Images.read (PGM)", () -> valid(Images.read(p)), false);
    }

    @FuzzTest
    void png(byte[] data) {
        Path p = file("x.png", data);
        check("Images.read (PNG)", () -> valid(Images.read(p)), false);
    }

    @FuzzTest
    void jpeg(byte[] data) {
        Path p = file("x.jpg", data);
        check("Images.read (JPEG)", () -> valid(Images.read(p)), false);
    }

    /** A folder of up to three frames: the first byte's low bits say how many, the rest is split evenly among them. */
    @FuzzTest
    void frames(byte[] data) throws IOException {
        int o = option(data);
        byte[] body = rest(data);
        Path dir = DIR.resolve("frames");
        if (Files.isDirectory(dir)) {
            try (var old = Files.list(dir)) {
                for (Path f : old.toList()) {
                    Files.delete(f);
                }
            }
        } else {
            Files.createDirectories(dir);
        }
        int n = o % 4;
        String ext = (o & 4) != 0 ? ".png" : ".pgm";
        for (int i = 0; i < n; i++) {
            Files.write(dir.resolve("f_" + i + ext), Arrays.copyOfRange(body, body.length * i / n, body.length * (i + 1) / n));
        }
        check("Images.readFrames", () -> {
            List<Frame> f = Images.readFrames(dir);
            f.forEach(ReadersFuzzTest::valid);
            return f;
        }, false);
    }

    @FuzzTest
    void pfm(byte[] data) {
        Path p = file("x.pfm", data);
        check("Pfm.read", () -> Pfm.read(p), false);
    }

    @FuzzTest
    void flo(byte[] data) {
        Path p = file("x.flo", data);
        check("Flo.read", () -> Flo.read(p), false);
    }

    /**
     * A result folder's manifest (what LQF's, the forecaster's and the other commands' folders are verified against
     * when read back), beside two files it may or may not list correctly.
     */
    @FuzzTest
    void manifest(byte[] data) throws IOException {
        Path dir = DIR.resolve("result");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("a.csv"), "x,y\n1,2\n");
        Files.writeString(dir.resolve("b.json"), "{}\n");
        Files.write(dir.resolve(ResultFolders.MANIFEST), data);
        check("ResultFolders.verify", () -> {
            ResultFolders.verify(dir);
            return dir;
        }, false);
    }

    /** A record of the kinds of fields the bundles' JSON files hold. */
    record Sample(String name, int count, double rate, boolean on, List<String> tags, double[] values, Map<String, Double> figures,
            Sample child) {
    }

    @FuzzTest
    void json(byte[] data) {
        Path p = file("x.json", data);
        check("Json.read (Map)", () -> Json.read(p, Map.class), false);
        check("Json.read (record)", () -> Json.read(p, Sample.class), false);
    }

    // ---- what a returned value must be ----

    private static Object valid(Idx.IdxArray a) {
        long n = 1;
        for (int d : a.dims()) {
            if (d < 0) {
                throw new AssertionError("a negative dimension " + Arrays.toString(a.dims()));
            }
            n *= d;
        }
        if (n != a.values().length) {
            throw new AssertionError("dims " + Arrays.toString(a.dims()) + " but " + a.values().length + " values");
        }
        return a;
    }

    private static Object valid(Tensor t) {
        for (float v : t.toArray()) {
            if (!Float.isFinite(v)) {
                throw new AssertionError("a reader returned a non-finite value " + v);
            }
        }
        return t;
    }

    private static Object valid(LabelledSet s) {
        valid(s.features());
        return s;
    }

    private static Object valid(Graph g) {
        if (g.nodeCount() < 0) {
            throw new AssertionError("a graph of " + g.nodeCount() + " nodes");
        }
        return g;
    }

    private static Object valid(Frame f) {
        if (f.width() < 1 || f.height() < 1) {
            throw new AssertionError("a frame of " + f.width() + "x" + f.height());
        }
        return f;
    }
}
