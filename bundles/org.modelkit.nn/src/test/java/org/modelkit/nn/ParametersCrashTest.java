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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.testkit.crash.KillHarness;

/**
 * Parameter files under SIGKILL (issue 20, item 2): a child JVM saves version after version of a network's
 * parameters ({@link Parameters#save}) and is killed at seeded random moments while saving; after each kill the file
 * loads ({@link Parameters#load}) and holds one whole version, never older than before the kill. A kill costs a JVM
 * start with libtorch: {@code modelkit.crash.kills} kills (20 in {@code mvn verify}; benchmarks/crash/run runs more).
 */
class ParametersCrashTest {
    static final int KILLS = Integer.getInteger("modelkit.crash.kills", 20);

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
        Path file = tmp.resolve("parameters.params");
        Random r = new Random(20261206L);
        long last = -1;
        int midWrite = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            Block read = ParametersWriterChild.network(m);
            Block expected = ParametersWriterChild.network(m);
            for (int kill = 0; kill < KILLS; kill++) {
                KillHarness child = KillHarness.start(ParametersWriterChild.class, List.of("-Dai.djl.offline=true"),
                        file.toString(), Long.toString(kill * 100_000L));
                if (kill == 0) {
                    child.await("READY");
                }
                midWrite += child.killDuring("params", r, 2_000_000) != null ? 1 : 0;
                assertTrue(Files.exists(file), "kill " + kill + ": the parameter file is gone");
                Parameters.load(read, m, file);
                float[] got = values(read);
                long k = (long) got[0];
                ParametersWriterChild.setVersion(expected, k);
                assertArrayEquals(values(expected), got, "kill " + kill + ": not version " + k + " whole");
                assertTrue(k >= last, "kill " + kill + ": went back from version " + last + " to " + k);
                last = k;
            }
        }
        System.out.println(KILLS + " kills of the parameter writer, " + midWrite + " while saving; the file whole and"
                + " loadable after each");
        assertTrue(midWrite > KILLS / 2, midWrite + " of " + KILLS + " kills landed while saving");
    }
}
