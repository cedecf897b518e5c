package org.modelkit.api.congruent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FlipMetricsTest {
    @Test
    void countsFlips() {
        int[] truth = {0, 1, 2, 3};
        int[] ref = {0, 1, 0, 0};
        int[] neu = {0, 0, 2, 0};
        FlipMetrics m = FlipMetrics.of(truth, ref, neu);
        assertEquals(0.5, m.referenceAccuracy());
        assertEquals(0.5, m.newAccuracy());
        assertEquals(0.25, m.negativeFlipRate());
        assertEquals(0.25, m.positiveFlipRate());
        assertThrows(IllegalArgumentException.class, () -> FlipMetrics.of(truth, ref, new int[3]));
    }
}
