package org.modelkit.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.StoredModel;

/**
 * A child JVM publishing three 8 MB files is killed with SIGKILL at named phases, and one cycling through publish,
 * promote, remove and purge is killed 200 times at seeded random moments; after each kill a freshly opened store
 * holds only whole versions that verify, its current version is the old one or a whole new one, and staging is empty.
 * (A kill tests atomicity, not durability on power loss.)
 */
class CrashTest {
    @TempDir
    Path tmp;

    /** A running child and the lines it printed. */
    record Child(Process process, LinkedBlockingQueue<String> lines) {
        static Child start(String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), StoreChild.class.getName()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    // the child was killed
                }
                lines.add("EOF");
            });
            t.setDaemon(true);
            t.start();
            return new Child(p, lines);
        }

        String await(String prefix) throws InterruptedException {
            StringBuilder seen = new StringBuilder();
            while (true) {
                String l = lines.poll(60, TimeUnit.SECONDS);
                if (l == null || l.equals("EOF")) {
                    process.destroyForcibly();
                    fail("child ended or stalled before '" + prefix + "'; it printed:\n" + seen);
                }
                seen.append(l).append('\n');
                if (l.startsWith(prefix)) {
                    return l;
                }
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }
    }

    /** Opens the store afresh and checks it holds only whole, verifying versions; returns the id's versions. */
    static List<StoredModel> checkWhole(Path root, String id) throws IOException {
        return checkWhole(root, id, StoreChild.MB8);
    }

    /** As {@link #checkWhole(Path, String)}, for versions of three files of {@code bytes} each. */
    static List<StoredModel> checkWhole(Path root, String id, int bytes) throws IOException {
        FileModelStore s = FileModelStore.open(root);
        try (Stream<Path> st = Files.list(root.resolve(FileModelStore.STAGING))) {
            assertEquals(List.of(), st.toList(), "staging is empty after the store is opened again");
        } catch (java.nio.file.NoSuchFileException e) {
            // no staging yet
        }
        if (!Files.exists(root.resolve(id).resolve(FileModelStore.STATE))) {
            try (Stream<Path> st = Files.list(root.resolve(id))) {
                assertTrue(st.noneMatch(p -> p.getFileName().toString().matches("[0-9]+")), "no version without a state");
            } catch (java.nio.file.NoSuchFileException e) {
                // the id was never created
            }
            return List.of();
        }
        List<StoredModel> vs = s.versions(id);
        try (Stream<Path> st = Files.list(root.resolve(id))) {
            long dirs = st.filter(p -> p.getFileName().toString().matches("[0-9]+")).count();
            assertEquals(vs.size(), dirs, "every version folder is listed");
        }
        long current = vs.stream().filter(StoredModel::current).count();
        assertEquals(1, current, "exactly one current version: " + vs);
        for (StoredModel v : vs) {
            if (v.state() == StoredModel.State.AVAILABLE) {
                StoredModel open = s.open(v.handle()); // verifies every digest
                assertEquals(3, open.files().size());
                assertEquals(3L * bytes, open.size());
            } else if (v.state() == StoredModel.State.PURGED) {
                try (Stream<Path> st = Files.list(v.directory())) {
                    assertEquals(List.of(FileModelStore.META), st.map(p -> p.getFileName().toString()).toList(),
                            "a purged version keeps only its metadata");
                }
            }
            if (v.current()) {
                assertEquals(StoredModel.State.AVAILABLE, v.state());
            }
        }
        return vs;
    }

    private void killAt(Path root, String phase, long seed) throws Exception {
        Child c = Child.start(root.toString(), "park", "m", phase, Long.toString(seed));
        assertEquals("PARKED " + phase, c.await("PARKED"));
        c.kill();
    }

    @Test
    void killedBeforeTheRenameLeavesNoVersion() throws Exception {
        for (String phase : List.of("writing-file-2", "files-written", "synced")) {
            Path root = tmp.resolve(phase);
            killAt(root, phase, 1);
            assertEquals(List.of(), checkWhole(root, "m"), phase);
            // with an earlier version, killed again at the same phase: the earlier one stays, and current
            StoredModel v1 = StoreChild.publish(FileModelStore.open(root), "m", 7, false);
            killAt(root, phase, 8);
            List<StoredModel> vs = checkWhole(root, "m");
            assertEquals(1, vs.size(), phase);
            assertEquals(v1.digest(), vs.get(0).digest());
            assertTrue(vs.get(0).current());
        }
    }

    @Test
    void killedAfterTheRenameLeavesAWholeFirstVersion() throws Exception {
        for (String phase : List.of("renamed", "state-written")) {
            Path root = tmp.resolve(phase);
            killAt(root, phase, 2);
            List<StoredModel> vs = checkWhole(root, "m");
            assertEquals(1, vs.size(), phase + ": the renamed version is whole and adopted");
            assertTrue(vs.get(0).current(), phase + ": an id's first version is current");
        }
    }

    @Test
    void killedWhilePromotingLeavesOneOfTheTwo() throws Exception {
        Path root = tmp.resolve("promote");
        FileModelStore s = FileModelStore.open(root);
        StoredModel v1 = StoreChild.publish(s, "m", 3, false);
        StoredModel v2 = StoreChild.publish(s, "m", 4, false);
        Child c = Child.start(root.toString(), "promote", "m", "2");
        c.await("PARKED state-written");
        c.kill();
        List<StoredModel> vs = checkWhole(root, "m");
        assertEquals(2, vs.size());
        assertTrue(vs.get(0).current() ^ vs.get(1).current(), "the current version is v1 or v2: " + vs);
        assertEquals(v1.digest(), vs.get(0).digest());
        assertEquals(v2.digest(), vs.get(1).digest());
    }

    /** Kills of {@link #killsAtSeededRandomMomentsOfPublishCycles}: {@code modelkit.crash.kills}, 200 by default. */
    static final int KILLS = Integer.getInteger("modelkit.crash.kills", 200);
    /** Bytes per file in those cycles: three files of 256 KB each, so a cycle is its file operations, not copying */
    static final int CYCLE_BYTES = 256 << 10;

    @Test
    void killsAtSeededRandomMomentsOfPublishCycles() throws Exception {
        // a child publishes version K, promotes it, removes and purges the one before, again and again; each kill lands
        // at a seeded random moment of up to 80 ms into one such cycle (a cycle takes about 30 ms warm, 60 ms the
        // first), in KillHarness.lanes() lanes at once (each its own store)
        Map<String, Integer> phases = new java.util.concurrent.ConcurrentSkipListMap<>();
        org.modelkit.testkit.crash.KillHarness.inLanes(KILLS, (lane, kills) -> {
            Path root = tmp.resolve("lane-" + lane);
            Random r = new Random(20261202L + lane);
            int before = 0;
            long lastCurrent = -1;
            boolean first = true;
            for (int kill : kills) {
                org.modelkit.testkit.crash.KillHarness child = org.modelkit.testkit.crash.KillHarness.start(
                        StoreChild.class, List.of("-Xmx128m"), root.toString(), "kill", "m",
                        Long.toString(kill * 1_000L), Integer.toString(CYCLE_BYTES));
                if (first) {
                    child.await("D publish "); // the store holds a version before the first kill
                    first = false;
                }
                String inFlight = child.killDuring("publish", r, 80_000_000);
                long k = child.inFlightVersion();
                List<StoredModel> vs = checkWhole(root, "m", CYCLE_BYTES);
                assertTrue(vs.size() >= before, "kill " + kill + ": versions are never lost: " + before + " then "
                        + vs.size());
                before = vs.size();
                StoredModel current = vs.stream().filter(StoredModel::current).findFirst().orElseThrow();
                long seed = Long.parseLong(current.properties().get("seed"));
                assertTrue(seed >= lastCurrent, "kill " + kill + ": the current version went back from seed "
                        + lastCurrent + " to " + seed);
                lastCurrent = seed;
                // where the kill landed in the cycle: before version K was published, after it (not yet current),
                // after its promotion (the one before still available), or after the one before was removed
                String phase;
                if (inFlight == null) {
                    phase = "between cycles";
                } else {
                    StoredModel mine = vs.stream().filter(v -> Long.toString(k).equals(v.properties().get("seed")))
                            .findFirst().orElse(null);
                    long available = vs.stream().filter(v -> v.state() == StoredModel.State.AVAILABLE).count();
                    phase = mine == null ? "before the publication" : !mine.current() ? "published"
                            : available > 1 ? "promoted" : "the old one removed";
                }
                phases.merge(phase, 1, Integer::sum);
            }
        });
        System.out.println(KILLS + " kills of the store's publish, promote, remove and purge in "
                + org.modelkit.testkit.crash.KillHarness.lanes() + " lanes; whole after each; where they landed "
                + phases);
        if (KILLS >= 100) {
            for (String phase : List.of("before the publication", "published", "promoted")) {
                assertTrue(phases.getOrDefault(phase, 0) > 0, "no kill landed " + phase + ": " + phases);
            }
        }
    }

    @Test
    void twoThreadsAndTwoProcessesGetDistinctVersions() throws Exception {
        Path root = tmp.resolve("concurrent");
        FileModelStore s = FileModelStore.open(root);
        Child a = Child.start(root.toString(), "publish", "m", "5", "jvm-a");
        Child b = Child.start(root.toString(), "publish", "m", "5", "jvm-b");
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < 2; t++) {
            int tt = t;
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < 10; i++) {
                        String tag = "thread-" + tt + "-" + i;
                        s.publish("m", null, "test", Map.of("tag", tag), d -> Files.writeString(d.resolve("parameters.params"), tag));
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        a.await("DONE");
        b.await("DONE");
        assertEquals(List.of(), errors);
        assertEquals(0, a.process().waitFor());
        assertEquals(0, b.process().waitFor());
        FileModelStore fresh = FileModelStore.open(root);
        List<StoredModel> vs = fresh.versions("m");
        assertEquals(30, vs.size());
        java.util.Set<String> tags = new java.util.HashSet<>();
        for (int i = 0; i < 30; i++) {
            assertEquals(Integer.toString(i + 1), vs.get(i).handle().version());
            StoredModel m = fresh.open(new ModelHandle("m", Integer.toString(i + 1)));
            tags.add(m.properties().get("tag"));
            assertEquals(m.properties().get("tag"), Files.readString(m.directory().resolve("parameters.params")));
        }
        assertEquals(30, tags.size(), "every publication is its own version");
        assertTrue(vs.get(0).current());
    }
}
