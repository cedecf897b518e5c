package org.modelkit.nn;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fuzz target for a model folder's {@code model.json}, which every method bundle that loads a DJL model (EMAN's
 * teachers, LQF's results, the classifier's and the distiller's models) reads back (Jazzer; see org.modelkit.io's
 * ReadersFuzzTest for the contract and how to fuzz). A description the reader accepts must also build its network's
 * blocks; anything else is refused with a {@link org.modelkit.io.FormatException} that has a message.
 */
class ModelSpecFuzzTest {
    /** The reading thread's CPU time: the one-second bound is on work, not on waiting for a busy machine. */
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private static final Path FILE;

    static {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "modelkit-fuzz")
                    : Files.createTempDirectory("modelkit-fuzz");
            FILE = dir.resolve("model.json");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                FILE.toFile().delete();
                dir.toFile().delete();
            }));
            // load the classes the first input would otherwise pay for
            Files.writeString(FILE, "{\"architecture\": \"mlp\", \"classes\": 5, \"nonlinearity\": \"relu\","
                    + " \"batchNorm\": false, \"hidden\": [64, 64], \"input\": [8, 8]}");
            ModelFiles.spec(FILE).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void modelSpec(byte[] data) throws IOException {
        Files.write(FILE, data);
        long t0 = CPU.getCurrentThreadCpuTime();
        ModelSpec spec;
        try {
            spec = ModelFiles.spec(FILE);
        } catch (IOException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("ModelFiles.spec threw " + e.getClass().getName() + " without a message", e);
            }
            return;
        }
        spec.build();
        spec.batchShape(1);
        long took = CPU.getCurrentThreadCpuTime() - t0;
        if (took > 1_000_000_000L) {
            throw new AssertionError("model.json took " + took / 1_000_000 + " ms of CPU");
        }
    }
}
