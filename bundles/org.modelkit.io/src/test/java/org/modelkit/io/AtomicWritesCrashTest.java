package org.modelkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.Frame;
import org.modelkit.testkit.crash.KillHarness;

/**
 * The writers killed with SIGKILL at seeded random moments: a child JVM ({@link WriterChild}) writes a CSV matrix, a
 * PNG, a JSON file, a result folder ({@link ResultFolders#write}) and a pair of files as a set
 * ({@link AtomicFiles#writeAll}) version after version, and is killed at seeded random moments, aimed at each writer in turn; after each kill every target must be a whole
 * version (it parses, and every value is the one its version number implies), no older than after the previous kill,
 * and the result folder must verify against its manifest. Temporary files a kill leaves are hidden names that no
 * reader takes for a result, and the next write removes those older than an hour. The number of kills is
 * {@code modelkit.crash.kills} (120 in {@code mvn verify}, 24 aimed at each writer: a kill costs a JVM start;
 * {@code -Dmodelkit.crash.kills=2000} for the long run).
 */
class AtomicWritesCrashTest {
    static final int KILLS = Integer.getInteger("modelkit.crash.kills", 120);

    @TempDir
    Path tmp;

    @Test
    void everyTargetIsAWholeVersionAfterEveryKill() throws Exception {
        Random r = new Random(20261204L);
        Map<String, Long> last = new TreeMap<>();
        Map<String, Integer> midWrite = new TreeMap<>();
        int mixedPairs = 0;
        int strayMax = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            KillHarness child = KillHarness.start(WriterChild.class, List.of(), tmp.toString(), Long.toString(kill * 10_000L + 1));
            // each kill aims at one writer in turn: once that write has begun, a random wait of up to 3 ms (a cold
            // child's write takes longer, a warm one's less, so kills land inside writes, between them and in renames)
            if (kill == 0) {
                child.await("READY");
            }
            String inFlight = child.killDuring(WriterChild.KINDS.get(kill % WriterChild.KINDS.size()), r, 3_000_000);
            if (inFlight != null) {
                midWrite.merge(inFlight, 1, Integer::sum);
            }
            Map<String, Long> now = versions(tmp, kill, inFlight);
            for (Map.Entry<String, Long> e : now.entrySet()) {
                Long before = last.get(e.getKey());
                if (before != null && !e.getKey().equals("png") && e.getValue() < before) {
                    fail("kill " + kill + ": " + e.getKey() + " went back from version " + before + " to " + e.getValue());
                }
                last.put(e.getKey(), e.getValue());
            }
            if (!now.get("pair-a").equals(now.get("pair-b"))) {
                mixedPairs++;
            }
            strayMax = Math.max(strayMax, stray(tmp).size());
        }
        System.out.println(KILLS + " kills; killed while writing " + midWrite + "; every target whole after each; pairs"
                + " left mixed by a kill (each file whole, from two versions) " + mixedPairs + "; stray temporary files at"
                + " most " + strayMax);
        for (String kind : WriterChild.KINDS) {
            assertTrue(midWrite.getOrDefault(kind, 0) > 0, "no kill landed while writing " + kind + ": " + midWrite);
        }
        // the next write cleans what the kills left, once it is an hour old (a younger one may be another writer's)
        List<Path> left = stray(tmp);
        for (Path f : left) {
            Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000L));
        }
        for (String kind : WriterChild.KINDS) {
            WriterChild.write(tmp, kind, 5);
        }
        assertEquals(List.of(), stray(tmp), "stray temporary files after the next writes (there were " + left.size() + ")");
    }

    /** @return each target's version, after checking that it is whole */
    static Map<String, Long> versions(Path dir, int kill, String inFlight) throws IOException {
        String when = "after kill " + kill + " (killed while writing " + inFlight + "): ";
        Map<String, Long> out = new LinkedHashMap<>();
        float[] csv = Csv.readMatrix(dir.resolve("x.csv"), true).values().toArray();
        long k = (long) csv[0];
        assertTrue(Arrays.equals(csv, WriterChild.matrix(k).toArray()), when + "x.csv is not version " + k + " whole");
        out.put("csv", k);
        Frame png = Images.read(dir.resolve("x.png"));
        long r = 0;
        while (r < 256 && !Arrays.equals(png.toArray(), WriterChild.frame(r).toArray())) {
            r++;
        }
        assertTrue(r < 256, when + "x.png is no whole version");
        out.put("png", r);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = Json.read(dir.resolve("x.json"), Map.class);
        k = ((Number) json.get("k")).longValue();
        List<Double> values = ((List<?>) json.get("values")).stream().map(v -> ((Number) v).doubleValue()).toList();
        assertEquals(WriterChild.json(k).get("values"), values, when + "x.json is not version " + k + " whole");
        out.put("json", k);
        ResultFolders.verify(dir.resolve("result"));
        long a = textVersion(dir.resolve("result/a.txt"), 'a', when);
        assertEquals(a, textVersion(dir.resolve("result/b.txt"), 'b', when), when + "the result folder mixes two versions");
        out.put("folder", a);
        out.put("pair-a", textVersion(dir.resolve("pair-a.txt"), 'a', when));
        out.put("pair-b", textVersion(dir.resolve("pair-b.txt"), 'b', when));
        return out;
    }

    static long textVersion(Path f, char which, String when) throws IOException {
        String s = Files.readString(f);
        String first = s.substring(0, Math.max(0, s.indexOf('\n')));
        long k = Long.parseLong(first.substring(2));
        assertEquals(WriterChild.text(k, which), s, when + f.getFileName() + " is not version " + k + " whole");
        return k;
    }

    /** @return the hidden temporary files and staging folders the writers use */
    static List<Path> stray(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(".") && (n.endsWith(".tmp") || n.contains(".partial-") || n.contains(".previous-"));
            }).sorted().toList();
        }
    }
}
