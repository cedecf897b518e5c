package org.modelkit.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

    private static void assertMessage(String expected, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    @Test
    void tensorIndexesRowMajorAndCopies() {
        float[] d = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(d, 2, 3);
        d[0] = 99;
        assertEquals(1f, t.get(0, 0));
        assertEquals(6f, t.get(1, 2));
        assertArrayEquals(new float[] {4, 5, 6}, t.row(1));
        assertArrayEquals(new float[] {4, 5, 6, 1, 2, 3}, t.select(new int[] {1, 0}).toArray());
        assertEquals(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2), t.reshape(3, 2));
        assertThrows(java.nio.ReadOnlyBufferException.class, () -> t.asBuffer().put(0, 1f));
    }

    @Test
    void tensorRejectsBadShapesAndValues() {
        assertMessage("holds 6 values but data has 5", () -> Tensor.of(new float[5], 2, 3));
        assertMessage("shape[1] must not be negative", () -> Tensor.of(new float[0], 2, -1));
        assertMessage("data[1] is NaN", () -> Tensor.of(new float[] {0, Float.NaN}, 2));
        assertMessage("more than", () -> Tensor.zeros(100000, 100000));
        assertMessage("index[1] = 3 is out of range", () -> Tensor.zeros(2, 3).get(0, 3));
        assertMessage("rows[1] has 1 values", () -> Tensor.ofRows(new float[][] {{1, 2}, {3}}));
    }

    @Test
    void labelledSetChecksLabels() {
        Tensor f = Tensor.zeros(3, 2);
        assertMessage("labels has 2 entries but features has 3 samples",
                () -> new LabelledSet(f, new int[] {0, 1}, List.of("a", "b")));
        assertMessage("labels[2] = 2 is outside [0, 2)", () -> new LabelledSet(f, new int[] {0, 1, 2}, List.of("a", "b")));
        LabelledSet s = LabelledSet.withNumberedClasses(f, new int[] {0, 4, 1});
        assertEquals(5, s.classCount());
        assertEquals(4, s.select(new int[] {1}).label(0));
    }

    @Test
    void graphFromEdgesIsSymmetricAndSorted() {
        Graph g = Graph.fromEdges(4, new int[] {2, 0, 1}, new int[] {0, 1, 2}, null, false);
        assertEquals(3, g.edgeCount());
        assertEquals(6, g.arcCount());
        assertArrayEquals(new int[] {1, 2}, g.neighbours(0));
        assertEquals(0, g.degree(3));
        assertArrayEquals(new int[][] {{0, 1}, {0, 2}, {1, 2}}, g.edges());
        assertFalse(g.hasSelfLoops());
        assertFalse(g.hasParallelEdges());
        Graph loops = Graph.fromEdges(2, new int[] {0, 0, 0}, new int[] {0, 1, 1}, null, false);
        assertTrue(loops.hasSelfLoops());
        assertTrue(loops.hasParallelEdges());
        assertEquals(3, loops.edgeCount());
    }

    @Test
    void graphRejectsAsymmetryAndBadWeights() {
        assertMessage("arc 0 -> 1 (weight 1.0) has no matching reverse arc",
                () -> new Graph(2, false, new int[] {0, 1, 2}, new int[] {1, 0}, new double[] {1, 2}, null, null));
        assertMessage("node 0 has 1 out-arcs but 0 in-arcs",
                () -> new Graph(2, false, new int[] {0, 1, 1}, new int[] {1}, null, null, null));
        assertMessage("weights[0] is -1.0", () -> Graph.fromEdges(2, new int[] {0}, new int[] {1}, new double[] {-1}, true));
        assertMessage("targets[0] = 5 is not a node", () -> Graph.fromEdges(2, new int[] {0}, new int[] {5}, null, true));
        assertMessage("offsets must not decrease",
                () -> new Graph(2, true, new int[] {0, 2, 1}, new int[] {1}, null, null, null));
        assertMessage("labels has 1 entries", () -> Graph.fromEdges(2, new int[] {0}, new int[] {1}, null, true)
                .withNodeData(new int[] {0}, null));
    }

    @Test
    void framesMasksStereoAndDisparity() {
        assertMessage("pixels[1] is 1.5", () -> new Frame(2, 1, 1, new float[] {0, 1.5f}));
        assertMessage("channels must be 1 (grey) or 3 (RGB), got 2", () -> new Frame(1, 1, 2, new float[2]));
        Frame rgb = new Frame(1, 1, 3, new float[] {1, 1, 1});
        assertEquals(1f, rgb.toGrey().get(0, 0, 0), 1e-6);
        assertMessage("must have the same width, height and channels",
                () -> new StereoPair(rgb, new Frame(1, 1, 1, new float[] {0})));
        Mask a = new Mask(2, 1, new boolean[] {true, false});
        Mask b = new Mask(2, 1, new boolean[] {true, true});
        assertEquals(0.5, a.jaccard(b), 1e-12);
        Disparity d = Disparity.fromRaw(2, 1, new float[] {3f, Float.POSITIVE_INFINITY});
        assertTrue(d.isValid(0, 0));
        assertFalse(d.isValid(1, 0));
        assertEquals(0.5, d.validFraction(), 1e-12);
        assertEquals(1.0, d.endPointError(Disparity.fromRaw(2, 1, new float[] {4f, 1f})), 1e-12);
        assertMessage("is -1.0 but marked valid", () -> Disparity.fromRaw(1, 1, new float[] {-1f}));
    }
}
