package org.modelkit.store.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelIntegrityException;

/**
 * Fuzz targets for the files the model store reads back: a version's {@code meta.json} and an id's {@code state.json}
 * (Jazzer; see org.modelkit.io's ReadersFuzzTest for the contract and how to fuzz). A fresh store on a root holding one
 * published model, {@code m@1}, whose file under test is replaced by the input, is asked for everything it can say about
 * it (list, versions, describe, resolve, open). Each call returns, or throws what the store declares for a damaged
 * store: {@link ModelIntegrityException}, {@link IllegalStateException}, {@link IllegalArgumentException} or
 * {@link UncheckedIOException}, with a message; never another exception, never more than a second.
 */
class StoreFilesFuzzTest {
    /** The reading thread's CPU time: the one-second bound is on work, not on waiting for a busy machine. */
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    static final long LIMIT_NANOS = 1_000_000_000L;
    private static final Path ROOT;
    private static final byte[] META;
    private static final byte[] STATE;

    static {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "modelkit-fuzz")
                    : Files.createTempDirectory("modelkit-fuzz");
            ROOT = dir.resolve("models");
            FileModelStore s = FileModelStore.open(ROOT);
            s.publish("m", null, "fuzz", Map.of("k", "v"), d -> {
                Files.writeString(d.resolve(ContentChecks.PARAMETERS), "0123");
                Files.writeString(d.resolve(ContentChecks.SPEC), "{\"layers\": [8, 2]}");
            });
            // the committed seeds, which a store wrote for this very content, so the fixture is the same every run
            // (a new publication's meta.json holds the time it was made)
            META = seed("meta/seed-published");
            STATE = seed("state/seed-published");
            Files.write(ROOT.resolve("m/1/meta.json"), META);
            Files.write(ROOT.resolve("m/state.json"), STATE);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            check("warm-up", () -> s.open(new ModelHandle("m", "1")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] seed(String name) throws IOException {
        try (var in = StoreFilesFuzzTest.class.getResourceAsStream("StoreFilesFuzzTestInputs/" + name)) {
            if (in == null) {
                throw new IOException("no seed " + name + " on the class path");
            }
            return in.readAllBytes();
        }
    }

    private static void delete(Path dir) {
        try (var all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a scratch folder in memory or temp: left to the system
        }
    }

    interface Call {
        Object call() throws IOException;
    }

    static void check(String what, Call c) {
        long t0 = CPU.getCurrentThreadCpuTime();
        try {
            c.call();
        } catch (ModelIntegrityException | IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError(what + " threw " + e.getClass().getName() + " without a message", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the scratch folder, not the input
        }
        long took = CPU.getCurrentThreadCpuTime() - t0;
        if (took > LIMIT_NANOS) {
            throw new AssertionError(what + " took " + took / 1_000_000 + " ms of CPU");
        }
    }

    /** Writes the store's two files, one of them the input, then asks a fresh store everything. */
    static void exercise(byte[] meta, byte[] state) throws IOException {
        Files.write(ROOT.resolve("m/1/meta.json"), meta);
        Files.write(ROOT.resolve("m/state.json"), state);
        FileModelStore s;
        try {
            s = FileModelStore.open(ROOT);
        } catch (ModelIntegrityException | IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
            check("open the store", () -> {
                throw e;
            });
            return;
        }
        ModelHandle h = new ModelHandle("m", "1");
        check("list", s::list);
        check("versions", () -> s.versions("m"));
        check("describe", () -> s.describe("m"));
        check("resolve", () -> s.resolve("m"));
        check("open", () -> s.open(h));
    }

    @FuzzTest
    void meta(byte[] data) throws IOException {
        exercise(data, STATE);
    }

    @FuzzTest
    void state(byte[] data) throws IOException {
        exercise(META, data);
    }

    /** The hand-written check of an ONNX file's protocol-buffer structure, on imports and publications. */
    @FuzzTest
    void onnx(byte[] data) throws IOException {
        Path f = Files.write(ROOT.resolve("model.onnx"), data);
        check("ContentChecks.onnx", () -> {
            ContentChecks.onnx(f);
            return f;
        });
    }

    /** The zip check of a TorchScript file. */
    @FuzzTest
    void torchScript(byte[] data) throws IOException {
        Path f = Files.write(ROOT.resolve("model.pt"), data);
        check("ContentChecks.torchScript", () -> {
            ContentChecks.torchScript(f);
            return f;
        });
    }
}
