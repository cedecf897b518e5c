package org.modelkit.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.testkit.crash.KillHarness;

/**
 * The .cfg files of {@code modelkit:backend use} under SIGKILL (issue 20, item 2): a child JVM saves version after
 * version of a configuration and is killed at seeded random moments while saving; after each kill the file is a whole
 * version as FileInstall would read it (java.util.Properties), never absent, never older than before the kill, and
 * no temporary file that FileInstall's filter in the runtime ({@code .*\.(cfg|jar)}) would take for a configuration.
 * {@code modelkit.crash.kills} kills (200 in {@code mvn verify}, in {@link KillHarness#lanes()} lanes at once), and
 * they land in every phase of a save: before its temporary file, after it, and after the rename.
 */
class CfgCrashTest {
    static final int KILLS = Integer.getInteger("modelkit.crash.kills", 200);
    /** the longest wait after a save began; a warm save takes about 1 ms */
    static final long WAIT_NANOS = Long.getLong("modelkit.crash.wait", 2_000_000);
    /** FileInstall's filter in runtime/app.bndrun */
    static final Pattern FILEINSTALL = Pattern.compile(".*\\.(cfg|jar)");

    @TempDir
    Path tmp;

    @Test
    void theCfgIsAWholeVersionAfterEveryKill() throws Exception {
        Map<String, Integer> phases = new java.util.concurrent.ConcurrentSkipListMap<>();
        java.util.concurrent.atomic.AtomicInteger strayMax = new java.util.concurrent.atomic.AtomicInteger();
        KillHarness.inLanes(KILLS, (lane, kills) -> {
            Path dir = Files.createDirectories(tmp.resolve("lane-" + lane));
            Path cfg = dir.resolve("org.example.method.cfg");
            Random r = new Random(20261205L + lane);
            long last = -1;
            boolean first = true;
            for (int kill : kills) {
                KillHarness child = KillHarness.start(CfgWriterChild.class, List.of(), cfg.toString(),
                        Long.toString(kill * 100_000L));
                if (first) {
                    child.await("READY");
                    first = false;
                }
                int straysBefore = names(dir).size() - 1;
                String inFlight = child.killDuring("cfg", r, WAIT_NANOS);
                assertTrue(Files.exists(cfg), "kill " + kill + ": the .cfg is gone");
                Properties p = new Properties();
                try (Reader in = Files.newBufferedReader(cfg)) {
                    p.load(in);
                }
                long k = Long.parseLong(p.getProperty("version"));
                Map<String, String> expected = new HashMap<>();
                CfgWriterChild.version(k).forEach((key, v) -> expected.put(key, String.valueOf(v)));
                Map<String, String> read = new HashMap<>();
                p.forEach((key, v) -> read.put(String.valueOf(key), String.valueOf(v)));
                assertEquals(expected, read, "kill " + kill + ": the .cfg is not version " + k + " whole");
                assertTrue(k >= last, "kill " + kill + ": went back from version " + last + " to " + k);
                last = k;
                List<String> names = names(dir);
                strayMax.accumulateAndGet(names.size() - 1, Math::max);
                for (String n : names) {
                    assertFalse(!n.equals(cfg.getFileName().toString()) && FILEINSTALL.matcher(n).matches(),
                            "kill " + kill + ": FileInstall would read " + n);
                }
                // where the kill landed: after the rename (the child had not said so yet), after the temporary file
                // was made (it is left), before either, or between saves
                String phase = inFlight == null ? "between saves" : k == child.inFlightVersion() ? "renamed"
                        : names.size() - 1 > straysBefore ? "temporary left" : "before";
                phases.merge(phase, 1, Integer::sum);
            }
        });
        System.out.println(KILLS + " kills of modelkit:backend use's .cfg writer in " + KillHarness.lanes() + " lanes;"
                + " the file whole after each; where the kills landed " + phases + "; stray temporary files at most "
                + strayMax);
        assertTrue(KILLS - phases.getOrDefault("between saves", 0) > KILLS / 2, "kills that landed while saving: "
                + phases);
        if (KILLS >= 100) {
            for (String phase : List.of("before", "temporary left", "renamed")) {
                assertTrue(phases.getOrDefault(phase, 0) > 0, "no kill landed " + phase + ": " + phases);
            }
        }
    }

    private static List<String> names(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).toList();
        }
    }
}
