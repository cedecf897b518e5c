package org.modelkit.embedder.betweenness.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
}
