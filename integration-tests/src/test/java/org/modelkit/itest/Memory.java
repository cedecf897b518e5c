package org.modelkit.itest;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.modelkit.compute.api.TensorBackend;

/**
 * What the soak tests sample: this JVM's resident memory (VmRSS of /proc/self/status), its native memory as the
 * JVM's Native Memory Tracking sees it (the committed figures of {@code VM.native_memory summary} per category, less
 * the Java heap's and the JIT compilers' work areas; the test framework runs with -XX:NativeMemoryTracking=summary),
 * the Java heap in use, the threads, and DJL's open NDManagers and NDArrays under the PyTorch engine's system manager.
 */
final class Memory {
    private Memory() {
    }

    /**
     * One sample.
     *
     * @param rssKb        VmRSS as it is
     * @param trimmedRssKb VmRSS once glibc was asked to give its free pages back (malloc_trim(0)): what is live. A
     *                     leak stays in it; memory that libtorch freed and glibc's arenas keep for reuse does not (after
     *                     the first fine-tunings the untrimmed figure plateaus about 450 MB above the trimmed one)
     */
    record Sample(long rssKb, long trimmedRssKb, Map<String, Long> nmtKb, long heapUsedKb, long heapCommittedKb,
            int threads, int managers, int arrays) {
        /**
         * @return NMT's committed KB outside the Java heap and the JIT's work areas, or -1 if the JVM does not track.
         *         "Compiler" and "Arena Chunk" are C2's arenas while it compiles a method and the pool they return to:
         *         they swing by 10 MB and more from one sample to the next while the JIT works (a CI run's 200 swaps
         *         read 126 MB at 100 swaps and 140 MB at the end this way) and are not held by anything that leaks
         */
        long nmtCommittedKb() {
            if (nmtKb.isEmpty()) {
                return -1;
            }
            return nmtKb.entrySet().stream().filter(e -> !TRANSIENT.contains(e.getKey())).mapToLong(Map.Entry::getValue)
                    .sum();
        }

        /** @return NMT's committed KB of the JIT's work areas ({@link #TRANSIENT}), 0 if the JVM does not track */
        long jitArenasKb() {
            return nmtKb.entrySet().stream().filter(e -> TRANSIENT.contains(e.getKey())).mapToLong(Map.Entry::getValue)
                    .sum();
        }

        /**
         * @return the trimmed RSS less the JIT's work areas: C2 mallocs its arenas while it compiles, so a sample
         *         taken mid-compilation reads up to 25 MB more (measured: "Compiler" -25,374 KB between two samples of
         *         the swap soak)
         */
        long liveRssKb() {
            return trimmedRssKb - jitArenasKb();
        }

        /** @return the NMT categories whose committed size changed by 1 MB or more since {@code base}, largest first */
        String nmtChange(Sample base) {
            return nmtKb.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - base.nmtKb.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> Math.abs(e.getValue()) >= 1024)
                    .sorted((a, b) -> Long.compare(Math.abs(b.getValue()), Math.abs(a.getValue())))
                    .map(e -> String.format(Locale.ROOT, "%s %+,d KB", e.getKey(), e.getValue()))
                    .collect(java.util.stream.Collectors.joining(", ", "NMT change by category: ", ""));
        }

        String line() {
            long nmtCommittedKb = nmtCommittedKb();
            return String.format(Locale.ROOT, "RSS %,d KB (%,d KB after malloc_trim, the JIT's arenas %,d KB of it), NMT"
                    + " committed less the heap and the JIT's arenas %s,"
                    + " heap used/committed %,d/%,d KB, %d threads, DJL %d managers / %d arrays", rssKb, trimmedRssKb,
                    jitArenasKb(),
                    nmtCommittedKb < 0 ? "n/a" : String.format(Locale.ROOT, "%,d KB", nmtCommittedKb), heapUsedKb,
                    heapCommittedKb, threads, managers, arrays);
        }

        /**
         * @param base an earlier sample
         * @param rss  this sample's RSS figure, and {@code base}'s
         * @return whether RSS grew by at most 10 % of base's, not counting what the Java heap's committed size grew
         *         by (G1 sizes the heap to the allocation rate; the heap's own figures are reported beside)
         */
        boolean rssWithinTenPercentOf(Sample base, java.util.function.ToLongFunction<Sample> rss) {
            long heapGrowth = Math.max(0, heapCommittedKb - base.heapCommittedKb);
            return rss.applyAsLong(this) - rss.applyAsLong(base) <= 0.10 * rss.applyAsLong(base) + heapGrowth;
        }
    }

    /** glibc's malloc_trim, through JNA (the runtime's bundle): hand the arenas' free pages back to the kernel. */
    private static void mallocTrim() {
        com.sun.jna.NativeLibrary.getInstance("c").getFunction("malloc_trim").invokeInt(new Object[] {0});
    }

    /** NMT categories left out of {@link Sample#nmtCommittedKb()}: see there */
    static final java.util.Set<String> TRANSIENT = java.util.Set.of("Compiler", "Arena Chunk");

    private static final Pattern NMT_CATEGORY = Pattern.compile(
            "-\\s+([A-Za-z][A-Za-z ]*?) \\(reserved=(\\d+)KB, committed=(\\d+)KB");

    /**
     * @param backend a PyTorch backend whose managers are counted, or null for none
     * @return a sample, taken after a garbage collection (so the heap's figure is what is live)
     */
    static Sample sample(TensorBackend backend) {
        System.gc();
        int[] djl = {-1, -1};
        if (backend != null) {
            try (NDManager m = backend.newManager()) {
                NDManager system = m;
                while (system.getParentManager() != null && system.getParentManager() != system) {
                    system = system.getParentManager();
                }
                djl = count(system, m);
            }
        }
        long rss = rssKb();
        mallocTrim();
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new Sample(rss, rssKb(), nmtKb(), heap.getUsed() / 1024, heap.getCommitted() / 1024,
                Thread.activeCount(), djl[0], djl[1]);
    }

    /** @return VmRSS of this process in KB */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /**
     * @return Native Memory Tracking's committed KB per category without the Java heap's (which G1 sizes to the load,
     *         and which the heap figure covers), empty if the JVM does not track
     */
    static Map<String, Long> nmtKb() {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            Map<String, Long> kb = new java.util.TreeMap<>();
            Matcher m = NMT_CATEGORY.matcher(String.valueOf(out));
            while (m.find()) {
                if (!m.group(1).equals("Java Heap")) {
                    kb.merge(m.group(1), Long.parseLong(m.group(3)), Long::sum);
                }
            }
            return kb;
        } catch (Exception e) {
            return Map.of();
        }
    }

    /** @return the median of {@code metric} over the samples (the upper one of an even count) */
    static long median(java.util.List<Sample> samples, java.util.function.ToLongFunction<Sample> metric) {
        long[] v = samples.stream().mapToLong(metric).sorted().toArray();
        return v[v.length / 2];
    }

    /** @return {managers, arrays} below the manager, not counting {@code skip} (the sampling's own) */
    private static int[] count(NDManager manager, NDManager skip) {
        int managers = 0;
        int arrays = 0;
        for (Object r : resources(manager).values()) {
            if (r == skip) {
                continue;
            }
            if (r instanceof NDManager child) {
                int[] below = count(child, skip);
                managers += 1 + below[0];
                arrays += below[1];
            } else if (r instanceof ai.djl.ndarray.NDArray) {
                arrays++;
            }
        }
        return new int[] {managers, arrays};
    }

    @SuppressWarnings("unchecked")
    private static Map<String, AutoCloseable> resources(NDManager m) {
        // DJL keeps a manager's children and arrays in a protected map and offers no count: read it
        try {
            java.lang.reflect.Field f = BaseNDManager.class.getDeclaredField("resources");
            f.setAccessible(true);
            return Map.copyOf((ConcurrentHashMap<String, AutoCloseable>) f.get(m));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DJL's BaseNDManager has no 'resources' map any more", e);
        }
    }
}
