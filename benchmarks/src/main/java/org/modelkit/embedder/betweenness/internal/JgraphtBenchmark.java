package org.modelkit.embedder.betweenness.internal;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jgrapht.alg.scoring.EdgeBetweennessCentrality;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.SimpleGraph;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JGraphT 1.5.2's EdgeBetweennessCentrality on the same prepared graphs (single-threaded). cond-mat is
 * left out: one run takes minutes (232 s measured on this machine kind, shared/notes/performance.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class JgraphtBenchmark {
    @Param({"polbooks", "netscience", "polblogs", "power", "hep-th"})
    public String graph;

    org.jgrapht.Graph<Integer, DefaultEdge> g;

    @Setup
    public void load() {
        org.modelkit.embedder.betweenness.internal.SimpleGraph s =
                org.modelkit.embedder.betweenness.internal.SimpleGraph.of(BenchGraphs.load(graph));
        g = new SimpleGraph<>(DefaultEdge.class);
        for (int u = 0; u < s.n; u++) {
            g.addVertex(u);
        }
        for (int e = 0; e < s.m; e++) {
            g.addEdge(s.eu[e], s.ev[e]);
        }
    }

    @Benchmark
    public Map<DefaultEdge, Double> jgrapht() {
        return new EdgeBetweennessCentrality<>(g).getScores();
    }
}
