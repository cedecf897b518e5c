package org.modelkit.translator.tanl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The metrics on hand-worked cases, the coreference ones on their papers' examples. */
class MetricsTest {
    @Test
    void microPrf() {
        Prf a = Prf.of(List.of("x", "y", "z"), List.of("x", "q"));
        assertEquals(new Prf(1, 3, 2), a);
        Prf sum = a.plus(Prf.of(List.of("u"), List.of("u", "v", "w")));
        assertEquals(new Prf(2, 4, 5), sum);
        assertEquals(0.5, sum.precision(), 1e-15);
        assertEquals(0.4, sum.recall(), 1e-15);
        assertEquals(2 * 0.5 * 0.4 / 0.9, sum.f1(), 1e-15);
        assertEquals(0, Prf.of(List.of("a"), List.of("b")).f1());
        assertEquals(0, Prf.ZERO.f1());
        assertThrows(IllegalArgumentException.class, () -> new Prf(3, 2, 5));
    }

    @Test
    void mucOfVilain() {
        // Vilain et al. (1995): key {A B C D}, response {A B} {C D}: recall (4 − 2) / (4 − 1), precision 2 / 2
        CorefMetrics.Score s = CorefMetrics.muc(List.of(List.of("A", "B", "C", "D")), List.of(List.of("A", "B"),
                List.of("C", "D")));
        assertEquals(2.0 / 3, s.recall(), 1e-15);
        assertEquals(1.0, s.precision(), 1e-15);
        assertEquals(0.8, s.f1(), 1e-15);
    }

    private static final List<List<Integer>> KEY = List.of(List.of(1, 2, 3, 4, 5), List.of(6, 7),
            List.of(8, 9, 10, 11, 12));
    private static final List<List<Integer>> RESPONSE = List.of(List.of(1, 2, 3, 4, 5),
            List.of(6, 7, 8, 9, 10, 11, 12));

    @Test
    void bCubedOfBaggaAndBaldwin() {
        // Bagga and Baldwin (1998), their figure: merging the 2- and 5-chains costs precision only,
        // (5·1 + 2·2/7 + 5·5/7) / 12 = 16/21
        CorefMetrics.Score s = CorefMetrics.bCubed(KEY, RESPONSE);
        assertEquals(16.0 / 21, s.precision(), 1e-15);
        assertEquals(1.0, s.recall(), 1e-15);
    }

    @Test
    void ceafPhi4() {
        // φ4: {1..5}-{1..5} = 1, {8..12}-{6..12} = 10/12, {6 7}-{6..12} = 4/9; the best matching takes the first two
        CorefMetrics.Score s = CorefMetrics.ceafE(KEY, RESPONSE);
        double sim = 1 + 10.0 / 12;
        assertEquals(sim / 2, s.precision(), 1e-12);
        assertEquals(sim / 3, s.recall(), 1e-12);
        // a perfect response scores 1 everywhere; an empty one 0
        assertEquals(1.0, CorefMetrics.ceafE(KEY, KEY).f1(), 1e-12);
        assertEquals(0.0, CorefMetrics.ceafE(KEY, List.of()).f1());
        // the reference's coreference_metrics.py on the same clusters: MUC 0.9 / 1.0, B³ 0.7619 / 1.0, CEAFφ4 0.9167 / 0.6111
        assertEquals(0.9, CorefMetrics.muc(KEY, RESPONSE).precision(), 1e-15);
        assertEquals(1.0, CorefMetrics.muc(KEY, RESPONSE).recall(), 1e-15);
        assertEquals(0.7333333333333333, s.f1(), 1e-12);
        // MUC and B³ sum over documents (micro)
        CorefMetrics.Score two = CorefMetrics.muc(KEY, RESPONSE).plus(CorefMetrics.muc(KEY, KEY));
        assertEquals(2 * 9, two.rDen(), 1e-15);
    }

    @Test
    void jointGoalAccuracy() {
        assertEquals(0.5, CorefMetrics.jointGoalAccuracy(List.of(Set.of("a"), Set.of("b", "c")),
                List.of(Set.of("a"), Set.of("b"))), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> CorefMetrics.jointGoalAccuracy(List.of(), List.of()));
    }
}
