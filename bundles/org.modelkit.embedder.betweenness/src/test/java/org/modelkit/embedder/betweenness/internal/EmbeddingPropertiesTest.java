package org.modelkit.embedder.betweenness.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.modelkit.api.data.Graph;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.progress.Progress;

class EmbeddingPropertiesTest {
    private static final Pipelines.Settings S = Pipelines.Settings.defaults();

    private static double distance(Tensor t, int a, int b) {
        double s = 0;
        for (int j = 0; j < t.dim(1); j++) {
            double d = t.get(a, j) - t.get(b, j);
            s += d * d;
        }
        return Math.sqrt(s);
    }

    @Test
    void nodesInOneAutomorphismOrbitGetTheSameDescriptorOnTheBarbell() {
        Tensor x = Pipelines.betweennessSpectral(Graphs.barbell(5, 10), 50, S, Progress.NONE).nodes();
        int[][] orbits = {{0, 1, 2, 3, 16, 17, 18, 19}, {4, 15}, {5, 14}, {6, 13}, {7, 12}, {8, 11}, {9, 10}};
        int[] orbitOf = new int[20];
        for (int o = 0; o < orbits.length; o++) {
            for (int v : orbits[o]) {
                orbitOf[v] = o;
            }
        }
        double intra = 0;
        double inter = Double.POSITIVE_INFINITY;
        for (int a = 0; a < 20; a++) {
            for (int b = a + 1; b < 20; b++) {
                double d = distance(x, a, b);
                if (orbitOf[a] == orbitOf[b]) {
                    intra = Math.max(intra, d);
                } else {
                    inter = Math.min(inter, d);
                }
            }
        }
        // float storage limits equality to ~1e-9 relative; the criterion is 1e-8
        assertTrue(intra < 1e-8, "max distance within an orbit " + intra);
        assertTrue(inter > 1e-3, "min distance between orbits " + inter);
    }

    @Test
    void relabellingTheNodesPermutesTheEmbedding() throws IOException {
        Graph g = Graphs.karate();
        int n = g.nodeCount();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        Random r = new Random(5);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[][] e = g.edges();
        int[] s = new int[e.length];
        int[] t = new int[e.length];
        for (int i = 0; i < e.length; i++) {
            s[i] = perm[e[i][0]];
            t[i] = perm[e[i][1]];
        }
        Graph relabelled = Graph.fromEdges(n, s, t, null, false);
        Graph plain = Graph.fromEdges(n, e.length == 0 ? new int[0] : column(e, 0), column(e, 1), null, false);
        for (String method : new String[] {"spectral", "wks"}) {
            Tensor a = method.equals("spectral") ? Pipelines.betweennessSpectral(plain, 24, S, Progress.NONE).nodes()
                    : Pipelines.waveKernel(plain, 24, S, Progress.NONE).nodes();
            Tensor b = method.equals("spectral") ? Pipelines.betweennessSpectral(relabelled, 24, S, Progress.NONE).nodes()
                    : Pipelines.waveKernel(relabelled, 24, S, Progress.NONE).nodes();
            double worst = 0;
            for (int v = 0; v < n; v++) {
                for (int j = 0; j < 24; j++) {
                    worst = Math.max(worst, Math.abs(a.get(v, j) - b.get(perm[v], j)));
                }
            }
            assertTrue(worst < 1e-6, method + ": max difference after relabelling " + worst);
        }
    }

    private static int[] column(int[][] e, int c) {
        int[] out = new int[e.length];
        for (int i = 0; i < e.length; i++) {
            out[i] = e[i][c];
        }
        return out;
    }

    /** Leave-one-out 1-nearest-neighbour accuracy of the labels. */
    private static double oneNn(Tensor x, int[] labels) {
        int ok = 0;
        for (int a = 0; a < labels.length; a++) {
            int best = -1;
            double bd = Double.POSITIVE_INFINITY;
            for (int b = 0; b < labels.length; b++) {
                if (b != a) {
                    double d = distance(x, a, b);
                    if (d < bd - 1e-12) {
                        bd = d;
                        best = b;
                    }
                }
            }
            ok += labels[best] == labels[a] ? 1 : 0;
        }
        return (double) ok / labels.length;
    }

    @Test
    void structuralRolesAreRecoveredWhereLaplacianEigenmapsFail() {
        List<int[]> e = new ArrayList<>();
        int[] roles = Graphs.houseRoles(30, 5, e);
        Graph g = Graphs.edges(roles.length, e);
        double ours = oneNn(Pipelines.betweennessSpectral(g, 50, S, Progress.NONE).nodes(), roles);
        double le = oneNn(Pipelines.laplacianEigenmaps(g, 8, S, Progress.NONE).nodes(), roles);
        assertTrue(ours >= le + 0.2, "1-NN role accuracy: betweenness-spectral " + ours + ", Laplacian eigenmaps " + le);
        assertEquals(1.0, ours, 1e-12, "every node has a structural twin in another house or gap");
    }

    /**
     * What the betweenness weighting itself does on karate: the edges between the two factions carry
     * more shortest paths than those inside one. (The Fiedler split this replaces passed for any
     * weighting: 30 of 34 with betweenness weights, 32 unweighted, 30-33 with random weights.) Constant
     * weights fail both assertions.
     */
    @Test
    void theEdgesBetweenTheKarateFactionsCarryTheLargestBetweenness() throws IOException {
        Graph g = Graphs.karate();
        SimpleGraph sg = SimpleGraph.of(g);
        double[] b = EdgeBetweenness.exact(sg, false, 2, Progress.NONE).values();
        int[] club = g.labels();
        double cross = 0;
        double within = 0;
        int nCross = 0;
        Integer[] order = new Integer[sg.m];
        for (int e = 0; e < sg.m; e++) {
            order[e] = e;
            if (club[sg.eu[e]] != club[sg.ev[e]]) {
                cross += b[e];
                nCross++;
            } else {
                within += b[e];
            }
        }
        double ratio = (cross / nCross) / (within / (sg.m - nCross));
        java.util.Arrays.sort(order, (x, y) -> Double.compare(b[y], b[x]));
        int topCross = 0;
        for (int i = 0; i < nCross; i++) {
            topCross += club[sg.eu[order[i]]] != club[sg.ev[order[i]]] ? 1 : 0;
        }
        assertEquals(11, nCross, "cross-faction edges of Zachary's club");
        // measured: ratio 1.72, and 4 of the 11 highest-betweenness edges cross (11 of 78 edges do, so
        // 1.6 would be expected of weights that ignore the factions; constant weights give ratio 1)
        assertTrue(ratio >= 1.5, "mean betweenness across / within the factions = " + ratio);
        assertTrue(topCross >= 3, topCross + " of the " + nCross + " highest-betweenness edges cross the factions");
    }

    @Test
    void selfLoopsAndRepeatedEdgesAreDroppedAndMerged() {
        Graph clean = Graphs.barbell(5, 10);
        int[][] e = clean.edges();
        int m = e.length;
        int[] s = new int[m + 3];
        int[] t = new int[m + 3];
        for (int i = 0; i < m; i++) {
            s[i] = e[i][0];
            t[i] = e[i][1];
        }
        s[m] = 3; // a self-loop
        t[m] = 3;
        s[m + 1] = 9; // a repeated edge, written the other way round
        t[m + 1] = 8;
        s[m + 2] = 4;
        t[m + 2] = 5;
        Graph messy = Graph.fromEdges(20, s, t, null, false);
        assertTrue(messy.hasSelfLoops() && messy.hasParallelEdges());
        SimpleGraph sg = SimpleGraph.of(messy);
        assertEquals(1, sg.droppedSelfLoops);
        assertEquals(2, sg.mergedParallel);
        assertEquals("dropped 1 self-loops; merged 2 parallel edges", sg.treatment());
        assertEquals(Pipelines.betweennessSpectral(clean, 20, S, Progress.NONE).nodes(),
                Pipelines.betweennessSpectral(messy, 20, S, Progress.NONE).nodes());
        // edge vectors follow the input graph's edges, including the self-loop and the repeats
        Embedding em = Pipelines.betweennessSpectral(messy, 20, S, Progress.NONE);
        assertEquals(messy.edges().length, em.edges().dim(0));
        assertEquals(40, em.edges().dim(1));
    }

    @Test
    void disconnectedGraphsEmbedAndDirectedOnesAreSymmetrised() {
        List<int[]> e = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 10; i++) {
                e.add(new int[] {10 * c + i, 10 * c + (i + 1) % 10});
            }
        }
        Graph two = Graphs.edges(21, e); // two cycles and an isolated node 20
        for (Embedding em : new Embedding[] {Pipelines.betweennessSpectral(two, 8, S, Progress.NONE),
            Pipelines.laplacianEigenmaps(two, 3, S, Progress.NONE), Pipelines.waveKernel(two, 8, S, Progress.NONE)}) {
            for (float v : em.nodes().toArray()) {
                assertTrue(Float.isFinite(v));
            }
        }
        Graph directed = Graph.fromEdges(3, new int[] {0, 1, 2}, new int[] {1, 2, 0}, null, true);
        assertEquals("symmetrised directed arcs", SimpleGraph.of(directed).treatment());
    }

    @Test
    void badInputGetsAClearError() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Pipelines.betweennessSpectral(Graph.fromEdges(0, new int[0], new int[0], null, false), 4, S,
                        Progress.NONE));
        assertEquals("the graph is empty: it has no nodes", empty.getMessage());
        IllegalArgumentException noEdges = assertThrows(IllegalArgumentException.class,
                () -> Pipelines.waveKernel(Graph.fromEdges(3, new int[] {1}, new int[] {1}, null, false), 4, S,
                        Progress.NONE));
        assertTrue(noEdges.getMessage().startsWith("the graph has no edges between distinct nodes"), noEdges.getMessage());
        IllegalArgumentException dims = assertThrows(IllegalArgumentException.class,
                () -> Pipelines.laplacianEigenmaps(Graphs.barbell(5, 10), 20, S, Progress.NONE));
        assertEquals("dimensions = 20 must lie in [1, 19] for a graph of 20 nodes", dims.getMessage());
    }
}
