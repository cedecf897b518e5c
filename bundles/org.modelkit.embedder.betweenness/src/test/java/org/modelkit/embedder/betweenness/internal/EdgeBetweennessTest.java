package org.modelkit.embedder.betweenness.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Random;
import java.util.HashMap;
import java.util.Map;
import org.jgrapht.alg.scoring.EdgeBetweennessCentrality;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.junit.jupiter.api.Test;
import org.modelkit.api.data.Graph;
import org.modelkit.api.progress.CancelledException;
import org.modelkit.api.progress.Progress;

class EdgeBetweennessTest {

    private static double value(SimpleGraph g, double[] b, int u, int v) {
        for (int e = 0; e < g.m; e++) {
            if (g.eu[e] == Math.min(u, v) && g.ev[e] == Math.max(u, v)) {
                return b[e];
            }
        }
        throw new AssertionError("no edge " + u + "-" + v);
    }

    @Test
    void barbellMatchesNetworkx() {
        SimpleGraph g = SimpleGraph.of(Graphs.barbell(5, 10));
        assertEquals(20, g.n);
        assertEquals(31, g.m);
        double[] b = EdgeBetweenness.exact(g, false, 2, Progress.NONE).values();
        double pairs = 20 * 19 / 2.0;
        assertEquals(1 / pairs, value(g, b, 0, 1), 1e-12);
        assertEquals(16 / pairs, value(g, b, 3, 4), 1e-12);
        assertEquals(75 / pairs, value(g, b, 4, 5), 1e-12);
        assertEquals(100 / pairs, value(g, b, 9, 10), 1e-12);
        assertEquals(75 / pairs, value(g, b, 14, 15), 1e-12);
        assertEquals(0.526316, value(g, b, 9, 10), 1e-6);
    }

    @Test
    void karateMatchesNetworkx() throws IOException {
        SimpleGraph g = SimpleGraph.of(Graphs.karate());
        double[] b = EdgeBetweenness.exact(g, false, 2, Progress.NONE).values();
        assertEquals(0.127260, value(g, b, 0, 31), 1e-6);
        assertEquals(71.392857 / 561, value(g, b, 0, 31), 1e-6);
        assertEquals(0.078134, value(g, b, 0, 6), 1e-6);
        assertEquals(0.078134, value(g, b, 0, 5), 1e-6);
        double max = 0;
        for (double v : b) {
            max = Math.max(max, v);
        }
        assertEquals(value(g, b, 0, 31), max, 0, "(0, 31) carries the most shortest paths");
    }

    /** JGraphT's raw counts (each unordered pair once) against ours times n(n-1)/2. */
    private static void compareWithJgrapht(Graph graph, boolean weighted) {
        SimpleGraph g = SimpleGraph.of(graph);
        SimpleWeightedGraph<Integer, DefaultWeightedEdge> j = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        for (int u = 0; u < g.n; u++) {
            j.addVertex(u);
        }
        Map<DefaultWeightedEdge, Integer> id = new HashMap<>();
        for (int e = 0; e < g.m; e++) {
            DefaultWeightedEdge de = j.addEdge(g.eu[e], g.ev[e]);
            j.setEdgeWeight(de, weighted ? g.weight[e] : 1.0);
            id.put(de, e);
        }
        Map<DefaultWeightedEdge, Double> scores = new EdgeBetweennessCentrality<>(j).getScores();
        double[] ours = EdgeBetweenness.exact(g, weighted, 2, Progress.NONE).values();
        double pairs = g.n * (g.n - 1) / 2.0;
        for (var entry : scores.entrySet()) {
            double expected = entry.getValue();
            double actual = ours[id.get(entry.getKey())] * pairs;
            assertEquals(expected, actual, 1e-9 * Math.max(1, expected), "edge " + entry.getKey());
        }
    }

    @Test
    void agreesWithJgraphtOnRandomGraphs() {
        for (long seed = 1; seed <= 3; seed++) {
            compareWithJgrapht(Graphs.random(150, 0.04, 0, seed), false);
            compareWithJgrapht(Graphs.random(150, 0.04, 5, seed), true);
        }
    }

    @Test
    void threadsDoNotChangeTheResult() {
        SimpleGraph g = SimpleGraph.of(Graphs.random(300, 0.02, 0, 9));
        double[] one = EdgeBetweenness.exact(g, false, 1, Progress.NONE).values();
        double[] two = EdgeBetweenness.exact(g, false, 2, Progress.NONE).values();
        for (int e = 0; e < g.m; e++) {
            assertEquals(one[e], two[e], 1e-12);
        }
    }

    @Test
    void sampledEstimateStaysWithinItsStatedBound() {
        SimpleGraph g = SimpleGraph.of(Graphs.random(400, 0.01, 0, 4));
        double[] exact = EdgeBetweenness.exact(g, false, 2, Progress.NONE).values();
        EdgeBetweenness.Result est = EdgeBetweenness.sampled(g, false, 100, 7, 2, Progress.NONE);
        assertEquals(100, est.sources());
        assertTrue(est.errorBound() > 0 && est.errorBound() < 0.3, "bound " + est.errorBound());
        double worst = 0;
        double sumExact = 0;
        double sumEst = 0;
        for (int e = 0; e < g.m; e++) {
            worst = Math.max(worst, Math.abs(exact[e] - est.values()[e]));
            sumExact += exact[e];
            sumEst += est.values()[e];
        }
        assertTrue(worst <= est.errorBound(), "max error " + worst + " above the bound " + est.errorBound());
        assertEquals(sumExact, sumEst, 0.1 * sumExact, "the estimate is unbiased in total");
        EdgeBetweenness.Result all = EdgeBetweenness.sampled(g, false, 1000, 7, 2, Progress.NONE);
        assertTrue(all.exact(), "as many samples as nodes is the exact computation");
    }

    @Test
    void cancellationStopsTheComputation() {
        SimpleGraph g = SimpleGraph.of(Graphs.random(500, 0.02, 0, 5));
        Progress cancelAtOnce = new Progress() {
            @Override
            public void report(String stage, long done, long total) {
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        CancelledException e = assertThrows(CancelledException.class,
                () -> EdgeBetweenness.exact(g, false, 2, cancelAtOnce));
        assertTrue(e.getMessage().contains("of 500 sources"), e.getMessage());
    }

    /** Raw counts (unordered pairs) of the exact method, in the prepared graph's edge order. */
    private static double[] raw(SimpleGraph g) {
        double[] b = EdgeBetweenness.exact(g, true, 1, Progress.NONE).values();
        double pairs = g.n * (g.n - 1) / 2.0;
        double[] r = new double[g.m];
        for (int e = 0; e < g.m; e++) {
            r[e] = b[e] * pairs;
        }
        return r;
    }

    /**
     * The oracle: edge betweenness by the definition, in exact decimal arithmetic. All-pairs distances
     * and shortest-path counts by Floyd-Warshall on BigDecimal lengths (exact for decimal weights), then
     * for every pair s < t and edge (u, v) on a shortest path the share σ(s,u)σ(v,t)/σ(s,t).
     */
    private static double[] exactRational(SimpleGraph g) {
        int n = g.n;
        BigDecimal[][] d = new BigDecimal[n][n];
        double[][] sigma = new double[n][n];
        for (int i = 0; i < n; i++) {
            d[i][i] = BigDecimal.ZERO;
            sigma[i][i] = 1;
        }
        BigDecimal[] w = new BigDecimal[g.m];
        for (int e = 0; e < g.m; e++) {
            w[e] = new BigDecimal(Double.toString(g.weight[e]));
            d[g.eu[e]][g.ev[e]] = w[e];
            d[g.ev[e]][g.eu[e]] = w[e];
        }
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (d[i][k] != null && d[k][j] != null) {
                        BigDecimal via = d[i][k].add(d[k][j]);
                        if (d[i][j] == null || via.compareTo(d[i][j]) < 0) {
                            d[i][j] = via;
                        }
                    }
                }
            }
        }
        // path counts in order of distance from each source
        for (int s = 0; s < n; s++) {
            final int src = s;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> d[src][a] == null ? 1 : d[src][b] == null ? -1 : d[src][a].compareTo(d[src][b]));
            for (int t : order) {
                if (t == s || d[s][t] == null) {
                    continue;
                }
                double c = 0;
                for (int e = 0; e < g.m; e++) {
                    for (int[] uv : new int[][] {{g.eu[e], g.ev[e]}, {g.ev[e], g.eu[e]}}) {
                        if (uv[1] == t && d[s][uv[0]] != null && d[s][uv[0]].add(w[e]).compareTo(d[s][t]) == 0) {
                            c += sigma[s][uv[0]];
                        }
                    }
                }
                sigma[s][t] = c;
            }
        }
        double[] out = new double[g.m];
        for (int s = 0; s < n; s++) {
            for (int t = s + 1; t < n; t++) {
                if (d[s][t] == null) {
                    continue;
                }
                for (int e = 0; e < g.m; e++) {
                    for (int[] uv : new int[][] {{g.eu[e], g.ev[e]}, {g.ev[e], g.eu[e]}}) {
                        int u = uv[0];
                        int v = uv[1];
                        if (d[s][u] != null && d[v][t] != null && d[s][u].add(w[e]).add(d[v][t]).compareTo(d[s][t]) == 0) {
                            out[e] += sigma[s][u] * sigma[v][t] / sigma[s][t];
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void decimalWeightsThatTieInExactArithmeticTieHere() {
        // igraph: [1.5, 1.5, 0.5]; comparing lengths exactly gives [1, 1, 1], since 0.1 + 0.2 != 0.3 in doubles
        SimpleGraph triangle = SimpleGraph.of(Graph.fromEdges(3, new int[] {0, 1, 0}, new int[] {1, 2, 2},
                new double[] {0.1, 0.2, 0.3}, false));
        double[] r = raw(triangle);
        assertEquals(1.5, value(triangle, r, 0, 1), 1e-12);
        assertEquals(1.5, value(triangle, r, 1, 2), 1e-12);
        assertEquals(0.5, value(triangle, r, 0, 2), 1e-12);
        // a 4-cycle with a chord: 0.7 + 0.1 (= 0.7999999999999999) ties with 0.8, and 0.3 + 0.6 with 0.9
        SimpleGraph square = SimpleGraph.of(Graph.fromEdges(4, new int[] {0, 1, 0, 2, 0}, new int[] {1, 3, 2, 3, 3},
                new double[] {0.7, 0.1, 0.3, 0.6, 0.8}, false));
        double[] exact = exactRational(square);
        double[] got = raw(square);
        for (int e = 0; e < square.m; e++) {
            assertEquals(exact[e], got[e], 1e-9 * Math.max(1, exact[e]), "edge " + square.eu[e] + "-" + square.ev[e]);
        }
        assertEquals(0, EdgeBetweenness.compare(0.1 + 0.2, 0.3));
        assertEquals(-1, EdgeBetweenness.compare(0.3, 0.3 + 1e-9));
    }

    @Test
    void shortPathsTieWithinIgraphsToleranceOnTheDistancePlusOne() {
        // two paths 0-1-3 and 0-2-3 of lengths 2e-3 and 2e-3 + 1.5e-10: 3.75e-8 apart relative to their length,
        // but 7.5e-11 relative to the length plus one, which is what igraph compares (it keeps distances + 1);
        // igraph 0.10.2 gives every edge 2.0 here, a purely relative tolerance 3, 2, 2, 1
        SimpleGraph g = SimpleGraph.of(Graph.fromEdges(4, new int[] {0, 1, 0, 2}, new int[] {1, 3, 2, 3},
                new double[] {1e-3, 1e-3, 1e-3, 1e-3 + 1.5e-10}, false));
        double[] r = raw(g);
        for (int e = 0; e < g.m; e++) {
            assertEquals(2.0, r[e], 1e-12, "edge " + g.eu[e] + "-" + g.ev[e] + ": " + java.util.Arrays.toString(r));
        }
        // long paths: relative to the length, as before
        SimpleGraph far = SimpleGraph.of(Graph.fromEdges(4, new int[] {0, 1, 0, 2}, new int[] {1, 3, 2, 3},
                new double[] {1e3, 1e3, 1e3, 1e3 + 1.5e-10}, false));
        double[] rf = raw(far);
        for (int e = 0; e < far.m; e++) {
            assertEquals(2.0, rf[e], 1e-12, "edge " + far.eu[e] + "-" + far.ev[e] + ": " + java.util.Arrays.toString(rf));
        }
        SimpleGraph apart = SimpleGraph.of(Graph.fromEdges(4, new int[] {0, 1, 0, 2}, new int[] {1, 3, 2, 3},
                new double[] {1e-3, 1e-3, 1e-3, 1e-3 + 1e-9}, false));
        double[] ra = raw(apart);
        assertEquals(3.0, value(apart, ra, 0, 1) + 0, 1e-12, java.util.Arrays.toString(ra));
        assertEquals(1.0, value(apart, ra, 2, 3), 1e-12, java.util.Arrays.toString(ra));
    }

    @Test
    void equalsExactRationalArithmeticOnRandomDecimalWeights() {
        for (long seed = 1; seed <= 6; seed++) {
            Random r = new Random(seed);
            Graph base = Graphs.random(30, 0.15, 0, seed);
            int[][] e = base.edges();
            int[] s = new int[e.length];
            int[] t = new int[e.length];
            double[] w = new double[e.length];
            for (int i = 0; i < e.length; i++) {
                s[i] = e[i][0];
                t[i] = e[i][1];
                w[i] = (1 + r.nextInt(5)) / 10.0; // 0.1 .. 0.5: many equal-length paths of different sums
            }
            SimpleGraph g = SimpleGraph.of(Graph.fromEdges(30, s, t, w, false));
            double[] exact = exactRational(g);
            double[] got = raw(g);
            int ties = 0;
            for (int i = 0; i < g.m; i++) {
                assertEquals(exact[i], got[i], 1e-9 * Math.max(1, exact[i]), "seed " + seed + ", edge " + g.eu[i] + "-" + g.ev[i]);
                ties += exact[i] != Math.rint(exact[i]) ? 1 : 0;
            }
            assertTrue(ties > 0, "seed " + seed + ": no edge with a split (tied) count, so the case tests nothing");
        }
    }
}
