package org.modelkit.embedder.betweenness.internal;

import java.util.concurrent.TimeUnit;
import org.modelkit.api.progress.Progress;
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
 * Exact edge betweenness of every edge (unweighted, the embedder's setting), 1 and 2 threads. Average
 * time over 1-second iterations, so the millisecond graphs are timed with warm code too.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class BetweennessBenchmark {
    @Param({"polbooks", "netscience", "polblogs", "power", "hep-th", "cond-mat"})
    public String graph;

    @Param({"1", "2"})
    public int threads;

    SimpleGraph g;

    @Setup
    public void load() {
        g = SimpleGraph.of(BenchGraphs.load(graph));
    }

    @Benchmark
    public double[] modelkit() {
        return EdgeBetweenness.exact(g, false, threads, Progress.NONE).values();
    }
}
