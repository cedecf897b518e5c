package org.modelkit.shell.format;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CancellationException;
import org.modelkit.api.progress.CancelledException;

/**
 * Per-method call statistics since the shell bundle started: calls, failures, cancellations and latency
 * percentiles, recorded by {@link Methods} around every call a command makes through it (no code in the methods).
 * Shown by {@code modelkit:stats}.
 *
 * <p>Latencies go into a histogram of logarithmic buckets (5 % wide, from 1 µs to about two months), so memory stays
 * constant however many calls are made and a percentile is exact to within 2.5 %; the maximum is exact. Written here
 * because the metrics libraries that do this (HdrHistogram, Micrometer, Dropwizard) would add a bundle and a registry
 * for six numbers per method.
 */
public final class MethodStats {
    private static final double BASE = 1.05;
    private static final int BUCKETS = 600;
    private static final ConcurrentMap<String, Entry> ENTRIES = new ConcurrentHashMap<>();

    private MethodStats() {
    }

    /** How one call ended. */
    public enum Outcome {
        /** returned */
        COMPLETED,
        /** threw something other than a cancellation */
        FAILED,
        /** was cancelled ({@link CancelledException}, {@link CancellationException} or an interrupt) */
        CANCELLED;

        /**
         * @param t what the call threw, or null
         * @return the outcome it means
         */
        public static Outcome of(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof CancelledException || c instanceof CancellationException || c instanceof InterruptedException) {
                    return CANCELLED;
                }
            }
            return t == null ? COMPLETED : FAILED;
        }
    }

    /**
     * One method's figures.
     *
     * @param method        the method's name
     * @param kind          what it is (its interface, as commands call it: "embedder", "fine-tuner")
     * @param calls         calls ended
     * @param failures      of those, the ones that threw
     * @param cancellations of those, the cancelled ones
     * @param p50Millis     median latency in milliseconds (NaN before the first call)
     * @param p95Millis     95th percentile
     * @param maxMillis     the longest call
     * @param lastFailure   the last failure's message, or empty
     */
    public record Figures(String method, String kind, long calls, long failures, long cancellations, double p50Millis,
            double p95Millis, double maxMillis, String lastFailure) {
    }

    private static final class Entry {
        final String method;
        final String kind;
        final long[] histogram = new long[BUCKETS];
        long calls;
        long failures;
        long cancellations;
        long maxNanos;
        String lastFailure = "";

        Entry(String method, String kind) {
            this.method = method;
            this.kind = kind;
        }

        synchronized void add(long nanos, Outcome outcome, Throwable t) {
            calls++;
            if (outcome == Outcome.FAILED) {
                failures++;
                lastFailure = t.getClass().getSimpleName() + ": " + t.getMessage();
            } else if (outcome == Outcome.CANCELLED) {
                cancellations++;
            }
            maxNanos = Math.max(maxNanos, nanos);
            histogram[bucket(nanos)]++;
        }

        synchronized Figures figures() {
            return new Figures(method, kind, calls, failures, cancellations, percentile(0.50), percentile(0.95),
                    calls == 0 ? Double.NaN : maxNanos / 1e6, lastFailure);
        }

        /** @return the geometric middle of the bucket holding the q-quantile, in ms, at most the maximum */
        private double percentile(double q) {
            if (calls == 0) {
                return Double.NaN;
            }
            long rank = (long) Math.ceil(q * calls);
            long seen = 0;
            for (int b = 0; b < BUCKETS; b++) {
                seen += histogram[b];
                if (seen >= Math.max(1, rank)) {
                    double micros = Math.pow(BASE, b + 0.5);
                    return Math.min(micros / 1e3, maxNanos / 1e6);
                }
            }
            return maxNanos / 1e6;
        }
    }

    static int bucket(long nanos) {
        double micros = nanos / 1e3;
        if (micros < 1) {
            return 0;
        }
        return (int) Math.min(BUCKETS - 1, Math.floor(Math.log(micros) / Math.log(BASE)));
    }

    /**
     * Records one ended call.
     *
     * @param method  the method's name
     * @param kind    what it is
     * @param nanos   how long it took
     * @param failure what it threw, or null
     */
    public static void record(String method, String kind, long nanos, Throwable failure) {
        ENTRIES.computeIfAbsent(method + "\u0000" + kind, k -> new Entry(method, kind))
                .add(Math.max(0, nanos), Outcome.of(failure), failure);
    }

    /** @return every method's figures, by name */
    public static List<Figures> snapshot() {
        List<Figures> all = new ArrayList<>();
        for (Entry e : ENTRIES.values()) {
            all.add(e.figures());
        }
        all.sort(Comparator.comparing(Figures::method).thenComparing(Figures::kind));
        return all;
    }

    /** @return the figures as the {@code modelkit:stats} table */
    public static TextTable table() {
        List<List<String>> rows = new ArrayList<>();
        for (Figures f : snapshot()) {
            String last = f.lastFailure().length() > 60 ? f.lastFailure().substring(0, 57) + "..." : f.lastFailure();
            rows.add(List.of(f.method(), f.kind(), Long.toString(f.calls()), Long.toString(f.failures()),
                    Long.toString(f.cancellations()), ms(f.p50Millis()), ms(f.p95Millis()), ms(f.maxMillis()),
                    last.isEmpty() ? "-" : last));
        }
        return new TextTable(List.of("METHOD", "KIND", "CALLS", "FAILED", "CANCELLED", "P50", "P95", "MAX", "LAST FAILURE"),
                rows);
    }

    private static String ms(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v >= 1000 ? String.format(Locale.ROOT, "%.2f s", v / 1000) : String.format(Locale.ROOT, "%.1f ms", v);
    }

    /** Forgets every figure (tests). */
    static void clear() {
        ENTRIES.clear();
    }
}
