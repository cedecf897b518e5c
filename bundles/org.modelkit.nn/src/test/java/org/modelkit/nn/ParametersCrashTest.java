package org.modelkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.testkit.crash.KillHarness;

/**
 * Parameter files under SIGKILL (issue 20, item 2): a child JVM saves version after version of a network's
 * parameters ({@link Parameters#save}) and is killed at seeded random moments while saving; after each kill the file
 * loads ({@link Parameters#load}) and holds one whole version, never older than before the kill. A kill costs a JVM
 * start with libtorch: {@code modelkit.crash.kills} kills (200 in {@code mvn verify}, in {@link KillHarness#lanes()}
 * lanes at once; benchmarks/crash/run runs more), and they land in every phase of a save: before its temporary file,
 * after it, and after the rename.
 */
class ParametersCrashTest {
    static final int KILLS = Integer.getInteger("modelkit.crash.kills", 200);
    /** the longest wait after a save began */
    static final long WAIT_NANOS = Long.getLong("modelkit.crash.wait", 3_000_000);

    @TempDir
    Path tmp;

    private static float[] values(Block b) {
        int n = 0;
        for (Pair<String, Parameter> p : b.getParameters()) {
            n += (int) p.getValue().getArray().size();
        }
        float[] all = new float[n];
        int at = 0;
        for (Pair<String, Parameter> p : b.getParameters()) {
            float[] v = p.getValue().getArray().toFloatArray();
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        return all;
    }

    @Test
    void theParametersAreAWholeVersionAfterEveryKill() throws Exception {
        Map<String, Integer> phases = new java.util.concurrent.ConcurrentSkipListMap<>();
        KillHarness.inLanes(KILLS, (lane, kills) -> {
            Path dir = Files.createDirectories(tmp.resolve("lane-" + lane));
            Path file = dir.resolve("parameters.params");
            Random r = new Random(20261206L + lane);
            long last = -1;
            boolean first = true;
            try (NDManager m = NDManager.newBaseManager()) {
                Block read = ParametersWriterChild.network(m);
                Block expected = ParametersWriterChild.network(m);
                for (int kill : kills) {
                    KillHarness child = KillHarness.start(ParametersWriterChild.class, List.of("-Dai.djl.offline=true"),
                            file.toString(), Long.toString(kill * 100_000L));
                    if (first) {
                        child.await("READY");
                        first = false;
                    }
                    long straysBefore = strays(dir);
                    String inFlight = child.killDuring("params", r, WAIT_NANOS);
                    assertTrue(Files.exists(file), "kill " + kill + ": the parameter file is gone");
                    Parameters.load(read, m, file);
                    float[] got = values(read);
                    long k = (long) got[0];
                    ParametersWriterChild.setVersion(expected, k);
                    assertArrayEquals(values(expected), got, "kill " + kill + ": not version " + k + " whole");
                    assertTrue(k >= last, "kill " + kill + ": went back from version " + last + " to " + k);
                    last = k;
                    String phase = inFlight == null ? "between saves" : k == child.inFlightVersion() ? "renamed"
                            : strays(dir) > straysBefore ? "temporary left" : "before";
                    phases.merge(phase, 1, Integer::sum);
                }
            }
        });
        System.out.println(KILLS + " kills of the parameter writer in " + KillHarness.lanes() + " lanes; the file whole"
                + " and loadable after each; where the kills landed " + phases);
        assertTrue(KILLS - phases.getOrDefault("between saves", 0) > KILLS / 2, "kills that landed while saving: "
                + phases);
        if (KILLS >= 100) {
            for (String phase : List.of("before", "temporary left", "renamed")) {
                assertTrue(phases.getOrDefault(phase, 0) > 0, "no kill landed " + phase + ": " + phases);
            }
        }
    }

    /** @return the temporary files a killed save left beside the target */
    private static long strays(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
        }
    }
}
