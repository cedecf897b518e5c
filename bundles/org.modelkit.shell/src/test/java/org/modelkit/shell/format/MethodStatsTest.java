package org.modelkit.shell.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.modelkit.api.progress.CancelledException;

class MethodStatsTest {
    @AfterEach
    void clear() {
        MethodStats.clear();
    }

    @Test
    void percentilesFollowTheCallsToWithinTheBucketWidth() {
        // 1..1000 ms in a scrambled order, and one other method with a single slow call
        for (int i = 0; i < 1000; i++) {
            long ms = (i * 389L) % 1000 + 1;
            MethodStats.record("lqf", "fine-tuner", ms * 1_000_000L, null);
        }
        MethodStats.record("eman", "student-teacher trainer", 4_000_000_000L, null);
        List<MethodStats.Figures> all = MethodStats.snapshot();
        assertEquals(2, all.size());
        MethodStats.Figures lqf = all.get(1);
        assertEquals("lqf", lqf.method());
        assertEquals(1000, lqf.calls());
        assertEquals(500, lqf.p50Millis(), 500 * 0.026, "p50");
        assertEquals(950, lqf.p95Millis(), 950 * 0.026, "p95");
        assertEquals(1000, lqf.maxMillis(), 1e-9, "the maximum is exact");
        MethodStats.Figures eman = all.get(0);
        assertEquals(4000, eman.maxMillis(), 1e-9);
        assertEquals(4000, eman.p50Millis(), 4000 * 0.026, "one call: every percentile is that call");
    }

    @Test
    void outcomesAreCountedByWhatTheCallThrew() {
        MethodStats.record("bsp", "embedder", 1_000, null);
        MethodStats.record("bsp", "embedder", 2_000, new IllegalArgumentException("graph: no edges"));
        MethodStats.record("bsp", "embedder", 3_000, new CancelledException("stopped"));
        MethodStats.record("bsp", "embedder", 4_000, new RuntimeException("wrapped", new CancellationException()));
        MethodStats.record("bsp", "embedder", 5_000, new InterruptedException());
        MethodStats.Figures f = MethodStats.snapshot().get(0);
        assertEquals(5, f.calls());
        assertEquals(1, f.failures());
        assertEquals(3, f.cancellations());
        assertEquals("IllegalArgumentException: graph: no edges", f.lastFailure());
        String table = MethodStats.table().toString();
        assertTrue(table.contains("bsp") && table.contains("graph: no edges") && table.contains("CANCELLED"), table);
    }

    @Test
    void aMethodNeverCalledHasNoRowAndTinyOrHugeLatenciesStayInRange() {
        assertTrue(MethodStats.snapshot().isEmpty());
        assertEquals(0, MethodStats.bucket(10));
        assertEquals(599, MethodStats.bucket(Long.MAX_VALUE));
        MethodStats.record("x", "embedder", 10, null);
        assertEquals(1e-5, MethodStats.snapshot().get(0).p50Millis(), 1e-12, "capped at the exact maximum");
    }
}
