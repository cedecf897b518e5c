package org.modelkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * reader takes for a result, and the next write removes those older than an hour. The kills land in every phase of
 * every writer: before its temporary file exists, after (the file is left), and after the rename (the new version is
 * in place, the child had not said so); the child writes the aimed kind once to a scratch folder first, since a cold
 * write spends its first 50 ms loading classes. The number of kills is
 * {@code modelkit.crash.kills} (1,000 in {@code mvn verify}, 200 aimed at each writer, in
 * {@link KillHarness#lanes()} lanes at once: a kill costs a JVM start; {@code -Dmodelkit.crash.kills=5000} for the
 * long run).
 */
class AtomicWritesCrashTest {
    static final int KILLS = Integer.getInteger("modelkit.crash.kills", 1000);
    /** the longest wait after the aimed write began: warm, a write takes 1 to 10 ms (most of it the fsync) */
    static final long WAIT_NANOS = Long.getLong("modelkit.crash.wait", 10_000_000);

    @TempDir
    Path tmp;

    @Test
    void everyTargetIsAWholeVersionAfterEveryKill() throws Exception {
        Map<String, Integer> midWrite = new java.util.concurrent.ConcurrentSkipListMap<>();
        Map<String, Map<String, Integer>> phases = new java.util.concurrent.ConcurrentSkipListMap<>();
        java.util.concurrent.atomic.AtomicInteger mixedPairs = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger strayMax = new java.util.concurrent.atomic.AtomicInteger();
        List<Path> dirs = new java.util.concurrent.CopyOnWriteArrayList<>();
        // lanes run at once, each on its own folder with its own seeded moments (a kill costs a JVM start)
        KillHarness.inLanes(KILLS, (lane, kills) -> {
            Path dir = Files.createDirectories(tmp.resolve("lane-" + lane));
            dirs.add(dir);
            Random r = new Random(20261204L + lane);
            Map<String, Long> last = new TreeMap<>();
            boolean first = true;
            for (int kill : kills) {
                String aim = WriterChild.KINDS.get(kill % WriterChild.KINDS.size());
                KillHarness child = KillHarness.start(WriterChild.class, List.of(), dir.toString(),
                        Long.toString(kill * 10_000L + 1), aim);
                // each kill aims at one writer in turn: once that write has begun, a random wait of up to 3 ms (a cold
                // child's write takes longer, a warm one's less, so kills land inside writes, between them and in
                // renames)
                if (first) {
                    child.await("READY");
                    first = false;
                }
                int straysBefore = stray(dir).size();
                String inFlight = child.killDuring(aim, r, WAIT_NANOS);
                if (inFlight != null) {
                    midWrite.merge(inFlight, 1, Integer::sum);
                }
                Map<String, Long> now = versions(dir, kill, inFlight);
                if (inFlight != null) {
                    // where in the write the kill landed: after the rename (the new version is in place, the child
                    // had not said so yet), after the temporary file was made (it is left), or before either
                    long k = child.inFlightVersion();
                    boolean renamed = switch (inFlight) {
                        case "pair" -> now.get("pair-a") == k || now.get("pair-b") == k;
                        case "png" -> now.get("png") == k % 256;
                        default -> now.get(inFlight) == k;
                    };
                    String phase = renamed ? "renamed" : stray(dir).size() > straysBefore ? "temporary left" : "before";
                    phases.computeIfAbsent(inFlight, x -> new java.util.concurrent.ConcurrentSkipListMap<>())
                            .merge(phase, 1, Integer::sum);
                }
                for (Map.Entry<String, Long> e : now.entrySet()) {
                    Long before = last.get(e.getKey());
                    if (before != null && !e.getKey().equals("png") && e.getValue() < before) {
                        fail("kill " + kill + ": " + e.getKey() + " went back from version " + before + " to "
                                + e.getValue());
                    }
                    last.put(e.getKey(), e.getValue());
                }
                if (!now.get("pair-a").equals(now.get("pair-b"))) {
                    mixedPairs.incrementAndGet();
                }
                strayMax.accumulateAndGet(stray(dir).size(), Math::max);
            }
        });
        System.out.println(KILLS + " kills in " + dirs.size() + " lanes; killed while writing " + midWrite + "; every"
                + " target whole after each; pairs left mixed by a kill (each file whole, from two versions) "
                + mixedPairs + "; stray temporary files at most " + strayMax + "; where the kills landed " + phases);
        for (String kind : WriterChild.KINDS) {
            assertTrue(midWrite.getOrDefault(kind, 0) > 0, "no kill landed while writing " + kind + ": " + midWrite);
            if (KILLS >= 500) {
                for (String phase : List.of("before", "temporary left", "renamed")) {
                    assertTrue(phases.get(kind).getOrDefault(phase, 0) > 0, "no kill of " + kind + " landed " + phase
                            + ": " + phases);
                }
            }
        }
        // the next write cleans what the kills left, once it is an hour old (a younger one may be another writer's)
        for (Path dir : dirs) {
            List<Path> left = stray(dir);
            for (Path f : left) {
                Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
                        - 7_200_000L));
            }
            for (String kind : WriterChild.KINDS) {
                WriterChild.write(dir, kind, 5);
            }
            assertEquals(List.of(), stray(dir), "stray temporary files after the next writes (there were " + left.size()
                    + ")");
        }
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
