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
 * JVM's Native Memory Tracking sees it (committed total of {@code VM.native_memory summary} less the Java heap's; the
 * test framework runs
 * with -XX:NativeMemoryTracking=summary), the Java heap in use, the threads, and DJL's open NDManagers and NDArrays
 * under the PyTorch engine's system manager.
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
    record Sample(long rssKb, long trimmedRssKb, long nmtCommittedKb, long heapUsedKb, long heapCommittedKb,
            int threads, int managers, int arrays) {
        String line() {
            return String.format(Locale.ROOT, "RSS %,d KB (%,d KB after malloc_trim), NMT committed outside the heap %s,"
                    + " heap used/committed %,d/%,d KB, %d threads, DJL %d managers / %d arrays", rssKb, trimmedRssKb,
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

    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern NMT_HEAP = Pattern.compile("Java Heap \\(reserved=(\\d+)KB, committed=(\\d+)KB");

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
        return new Sample(rss, rssKb(), nmtCommittedKb(), heap.getUsed() / 1024, heap.getCommitted() / 1024,
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
     * @return the committed total of Native Memory Tracking in KB without the Java heap's (which G1 sizes to the load,
     *         and which the heap figure covers), or -1 if the JVM does not track
     */
    static long nmtCommittedKb() {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            Matcher m = NMT_TOTAL.matcher(String.valueOf(out));
            Matcher h = NMT_HEAP.matcher(String.valueOf(out));
            return m.find() && h.find() ? Long.parseLong(m.group(2)) - Long.parseLong(h.group(2)) : -1;
        } catch (Exception e) {
            return -1;
        }
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
