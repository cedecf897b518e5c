package org.modelkit.testkit.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One child JVM that writes until killed, and the kill. The child's protocol: print {@code W KIND K} and flush before
 * writing version K of KIND, {@code D KIND K} after, and {@code READY} once every target exists; anything else it
 * prints is taken as its failure.
 */
public final class KillHarness implements AutoCloseable {
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    /** the child's standard error (its logging, a stack trace), last lines, for messages */
    private final java.util.Deque<String> errors = new java.util.concurrent.ConcurrentLinkedDeque<>();

    private KillHarness(Process process) {
        this.process = process;
        read(process.getInputStream(), lines::add);
        read(process.getErrorStream(), l -> {
            errors.add(l);
            while (errors.size() > 20) {
                errors.poll();
            }
        });
    }

    private static void read(java.io.InputStream s, java.util.function.Consumer<String> to) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) {
                    to.accept(l);
                }
            } catch (IOException e) {
                // killed
            }
        }, "kill-harness-reader");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Starts a child JVM on this JVM's class path (C1 only and class data sharing: a kill costs a JVM start).
     *
     * @param main      the child's class, with a {@code main(String[])}
     * @param jvmOptions more options for the child's JVM, for example a system property
     * @param args      its arguments
     * @return the running child
     * @throws IOException if it cannot be started
     */
    public static KillHarness start(Class<?> main, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:-UsePerfData"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new KillHarness(new ProcessBuilder(cmd).start());
    }

    /**
     * Waits until the child printed a line starting with the prefix.
     *
     * @param prefix for example {@code "READY"} or {@code "W csv "}
     * @throws InterruptedException if interrupted
     * @throws AssertionError       if the child printed anything outside the protocol, or nothing fitting in 60 s
     */
    public void await(String prefix) throws InterruptedException {
        try {
            awaitLine(prefix);
        } catch (AssertionError | InterruptedException | RuntimeException e) {
            close(); // a failed test must not leave a writer running (one wrote for an hour beside a CI run)
            throw e;
        }
    }

    private void awaitLine(String prefix) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (true) {
            String l = lines.poll(200, TimeUnit.MILLISECONDS);
            if (l == null) {
                if (!process.isAlive() && lines.isEmpty()) {
                    throw new AssertionError("the child ended (exit " + process.exitValue() + ") before '" + prefix
                            + "': " + tail());
                }
                if (System.nanoTime() > end) {
                    throw new AssertionError("the child printed no '" + prefix + "' in 60 s: " + tail());
                }
                continue;
            }
            seen.add(l);
            if (l.startsWith(prefix)) {
                return;
            }
            if (!l.startsWith("W ") && !l.startsWith("D ") && !l.equals("READY")) {
                throw new AssertionError("the child failed: " + l + "; " + tail());
            }
        }
    }

    /**
     * Waits until the child has begun writing KIND, then a random moment of up to {@code maxNanos}, then kills it
     * with SIGKILL and waits for it to die.
     *
     * @param kind     the kind of write to aim at
     * @param random   the seeded source of the moment
     * @param maxNanos the longest wait after the write began
     * @return the kind whose write had begun and not ended when it died, or null if it died between writes
     * @throws InterruptedException if interrupted
     */
    public String killDuring(String kind, Random random, long maxNanos) throws InterruptedException {
        await("W " + kind + " ");
        LockSupport.parkNanos(random.nextLong(Math.max(1, maxNanos)));
        process.destroyForcibly(); // SIGKILL on Linux
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the child did not die");
        }
        lines.drainTo(seen);
        for (int i = seen.size() - 1; i >= 0; i--) {
            String l = seen.get(i);
            if (l.startsWith("D ")) {
                return null;
            }
            if (l.startsWith("W ")) {
                return l.split(" ")[1];
            }
        }
        return null;
    }

    /**
     * @return the version of the last write the child had begun and not ended when it was killed ({@code W KIND K}
     *         without its {@code D KIND K}), or -1 if it died between writes; for after {@link #killDuring}
     */
    public long inFlightVersion() {
        lines.drainTo(seen);
        for (int i = seen.size() - 1; i >= 0; i--) {
            String l = seen.get(i);
            if (l.startsWith("D ")) {
                return -1;
            }
            if (l.startsWith("W ")) {
                return Long.parseLong(l.split(" ")[2]);
            }
        }
        return -1;
    }

    /** Kills the child if it still runs, and waits for it to end. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the child's last lines on standard output and standard error, for a message */
    public String tail() {
        lines.drainTo(seen);
        return "output " + seen.subList(Math.max(0, seen.size() - 10), seen.size()) + ", errors " + errors;
    }

    /**
     * The child's side: announces a write, does it, announces its end.
     *
     * @param kind  what is written
     * @param k     the version
     * @param write the write
     * @throws IOException what the write throws
     */
    public static void announce(String kind, long k, Write write) throws IOException {
        exitWithParent();
        System.out.println("W " + kind + " " + k);
        System.out.flush();
        write.run();
        System.out.println("D " + kind + " " + k);
        System.out.flush();
    }

    private static volatile boolean watching;

    /**
     * The child's side: ends this JVM when its parent's end closes the child's standard input, so a writer whose test
     * failed or was killed does not write on (called by the first {@link #announce}).
     */
    public static synchronized void exitWithParent() {
        if (watching) {
            return;
        }
        watching = true;
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing: wait for the end of the stream
                }
            } catch (IOException e) {
                // closed
            }
            Runtime.getRuntime().halt(3);
        }, "exit-with-parent");
        t.setDaemon(true);
        t.start();
    }

    /**
     * @return how many kill lanes run at once: {@code modelkit.crash.lanes}, by default the number of processors, at
     *         most 4 (a kill costs a JVM start, which is CPU-bound; the parent only checks files between kills)
     */
    public static int lanes() {
        return Math.max(1, Integer.getInteger("modelkit.crash.lanes",
                Math.min(4, Runtime.getRuntime().availableProcessors())));
    }

    /**
     * Runs {@code kills} kills in {@link #lanes()} lanes at once, each lane in its own thread on its own targets:
     * lane L makes kills L, L + lanes, L + 2 lanes, ... in that order, so each lane's sequence is as seeded as one lane's
     * would be. The first failure of any lane stops the others (they are interrupted) and is thrown.
     *
     * @param kills the number of kills over all lanes
     * @param lane  what one lane does with its index and its kill numbers
     * @throws Exception the first lane's failure
     */
    public static void inLanes(int kills, Lane lane) throws Exception {
        int lanes = Math.min(lanes(), Math.max(1, kills));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(lanes, r -> {
            Thread t = new Thread(r, "kill-lane");
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.ExecutorCompletionService<Void> done =
                new java.util.concurrent.ExecutorCompletionService<>(pool);
        try {
            for (int l = 0; l < lanes; l++) {
                int index = l;
                int[] numbers = java.util.stream.IntStream.iterate(l, k -> k < kills, k -> k + lanes).toArray();
                done.submit(() -> {
                    lane.run(index, numbers);
                    return null;
                });
            }
            for (int l = 0; l < lanes; l++) {
                try {
                    done.take().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Exception x) {
                        throw x;
                    }
                    if (e.getCause() instanceof Error x) {
                        throw x;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    /** One lane of {@link #inLanes}. */
    @FunctionalInterface
    public interface Lane {
        /**
         * @param lane  the lane's index, from 0
         * @param kills the kill numbers this lane makes, in order
         * @throws Exception if a check fails
         */
        void run(int lane, int[] kills) throws Exception;
    }

    /** A write that may fail. */
    @FunctionalInterface
    public interface Write {
        /** @throws IOException if it fails */
        void run() throws IOException;
    }
}
