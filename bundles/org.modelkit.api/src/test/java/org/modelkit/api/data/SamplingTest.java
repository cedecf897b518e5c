package org.modelkit.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplingTest {
    /** 100 samples: 60 of class 0, 30 of class 1, 10 of class 2; the feature is the index. */
    private static LabelledSet set() {
        float[] x = new float[100];
        int[] y = new int[100];
        for (int i = 0; i < 100; i++) {
            x[i] = i;
            y[i] = i < 60 ? 0 : i < 90 ? 1 : 2;
        }
        return LabelledSet.withNumberedClasses(Tensor.of(x, 100, 1), y);
    }

    @Test
    void aPermutationHoldsEveryIndexOnceAndDependsOnTheSeed() {
        int[] p = Sampling.permutation(1000, new Random(7));
        assertArrayEquals(Sampling.range(1000), Arrays.stream(p).sorted().toArray());
        assertFalse(Arrays.equals(Sampling.range(1000), p), "not shuffled");
        assertArrayEquals(p, Sampling.permutation(1000, new Random(7)));
        assertFalse(Arrays.equals(p, Sampling.permutation(1000, new Random(8))));
    }

    @Test
    void perClassDrawsThatManyOfEachClassWithoutRepeats() {
        LabelledSet few = Sampling.perClass(set(), 12, 3);
        int[] count = new int[3];
        for (int l : few.labels()) {
            count[l]++;
        }
        assertArrayEquals(new int[] {12, 12, 10}, count, "class 2 has only 10");
        float[] picked = few.features().toArray();
        assertEquals(34, Arrays.stream(Sampling.range(picked.length)).mapToObj(i -> picked[i]).distinct().count());
        assertFalse(Arrays.equals(picked, Sampling.perClass(set(), 12, 4).features().toArray()), "the seed matters");
    }

    @Test
    void stratifiedKeepsEachClassShareAndPartitionsTheSet() {
        int[][] s = Sampling.stratified(set(), 0.1, 5);
        int[] count = new int[3];
        for (int i : s[0]) {
            count[set().label(i)]++;
        }
        assertArrayEquals(new int[] {6, 3, 1}, count);
        int[] all = new int[100];
        for (int[] part : s) {
            for (int i : part) {
                all[i]++;
            }
        }
        assertTrue(Arrays.stream(all).allMatch(c -> c == 1), "kept and rest partition the indices");
        assertThrows(IllegalArgumentException.class, () -> Sampling.stratified(set(), 0, 1));
    }

    @Test
    void accuracyCountsAgreements() {
        LabelledSet s = set();
        int[] p = s.labels();
        assertEquals(1.0, s.accuracy(p));
        p[0] = 2;
        p[99] = 0;
        assertEquals(0.98, s.accuracy(p), 1e-12);
        assertEquals(1, s.correct(new int[] {0, 1}, new int[] {1, 0}));
        assertThrows(IllegalArgumentException.class, () -> s.accuracy(new int[3]));
        assertEquals(0.5, LabelledSet.agreement(new int[] {1, 2}, new int[] {1, 3}));
    }
}
