package org.modelkit.embedder.betweenness.internal;

import java.util.concurrent.TimeUnit;
import org.modelkit.api.data.Graph;
import org.modelkit.api.embed.Embedding;
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
 * The whole betweenness-spectral embedding (graph preparation, exact betweenness on 2 threads, the
 * Stein solution through 48 Lanczos eigenpairs per matrix above 1,000 nodes or dense below, 16
 * wave-kernel energies), with the components' default settings.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class EmbeddingBenchmark {
    @Param({"polbooks", "netscience", "polblogs", "power", "hep-th", "cond-mat"})
    public String graph;

    Graph g;
    Pipelines.Settings settings;

    @Setup
    public void load() {
        g = BenchGraphs.load(graph);
        settings = new Pipelines.Settings("exact", 512, 10.0, false, 42, 2, 1000, 48, 1.0);
    }

    @Benchmark
    public Embedding modelkit() {
        return Pipelines.betweennessSpectral(g, 16, settings, Progress.NONE);
    }
}
