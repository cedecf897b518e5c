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
 * {@code modelkit.crash.kills} kills (60 in {@code mvn verify}).
 */
class CfgCrashTest {
    static final int KILLS = Integer.getInteger("modelkit.crash.kills", 60);
    /** FileInstall's filter in runtime/app.bndrun */
    static final Pattern FILEINSTALL = Pattern.compile(".*\\.(cfg|jar)");

    @TempDir
    Path tmp;

    @Test
    void theCfgIsAWholeVersionAfterEveryKill() throws Exception {
        Path cfg = tmp.resolve("org.example.method.cfg");
        Random r = new Random(20261205L);
        long last = -1;
        int midWrite = 0;
        int strayMax = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            KillHarness child = KillHarness.start(CfgWriterChild.class, List.of(), cfg.toString(),
                    Long.toString(kill * 100_000L));
            if (kill == 0) {
                child.await("READY");
            }
            midWrite += child.killDuring("cfg", r, 2_000_000) != null ? 1 : 0;
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
            try (Stream<Path> s = Files.list(tmp)) {
                List<String> names = s.map(f -> f.getFileName().toString()).toList();
                strayMax = Math.max(strayMax, names.size() - 1);
                for (String n : names) {
                    assertFalse(!n.equals(cfg.getFileName().toString()) && FILEINSTALL.matcher(n).matches(),
                            "kill " + kill + ": FileInstall would read " + n);
                }
            }
        }
        System.out.println(KILLS + " kills of modelkit:backend use's .cfg writer, " + midWrite + " while saving; the file"
                + " whole after each; stray temporary files at most " + strayMax);
        assertTrue(midWrite > KILLS / 2, midWrite + " of " + KILLS + " kills landed while saving");
    }
}
