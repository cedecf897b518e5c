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
 * A child JVM publishing three 8 MB files is killed with SIGKILL at named phases and at seeded random
 * times; after each kill a freshly opened store holds only whole versions that verify, its current
 * version is the old one or a whole new one, and staging is empty. (A kill tests atomicity, not
 * durability on power loss.)
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
                assertEquals(3L * StoreChild.MB8, open.size());
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

    @Test
    void twentyKillsAtSeededRandomTimes() throws Exception {
        Path root = tmp.resolve("random");
        Random r = new Random(20261202L);
        int before = 0;
        for (int k = 0; k < 20; k++) {
            Child c = Child.start(root.toString(), "loop", "m", Long.toString(r.nextLong()));
            c.await("READY");
            if (k % 4 == 0) {
                // every fourth child finishes one cycle before its random kill, so the run publishes whatever the
                // machine's load (a wall-clock-only schedule published 4 versions in 20 kills on a loaded machine)
                c.await("CYCLED");
            }
            Thread.sleep(20 + r.nextInt(900));
            c.kill();
            List<StoredModel> vs = checkWhole(root, "m");
            assertTrue(vs.size() >= before, "versions are never lost: " + before + " then " + vs.size());
            before = vs.size();
        }
        assertTrue(before >= 5, "the children published (" + before + " versions after 20 kills)");
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
