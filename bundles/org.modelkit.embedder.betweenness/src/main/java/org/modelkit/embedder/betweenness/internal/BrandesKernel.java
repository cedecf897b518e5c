package org.modelkit.embedder.betweenness.internal;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.modelkit.api.data.Graph;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.progress.Progress;

/**
 * Edge betweenness with the sources chosen by the caller, and the paper's embedding from a betweenness the caller
 * summed: the entry points of a job that distributes Brandes' per-source contributions itself (the Spark module,
 * {@code spark/}), outside OSGi. The kernel is the embedder's own ({@link EdgeBetweenness}); the graph is prepared
 * once, by the embedder's treatment ({@link SimpleGraph#of}), and travels whole (the class is serializable: Spark
 * broadcasts it). A sum over any partition of the sources, added up, equals the single-JVM sum up to the order of
 * the additions.
 */
public final class BrandesKernel implements Serializable {
    private static final long serialVersionUID = 1L;
    private final SimpleGraph g;
    private final boolean weightedPaths;

    private BrandesKernel(SimpleGraph g, boolean weightedPaths) {
        this.g = g;
        this.weightedPaths = weightedPaths;
    }

    /**
     * @param graph         the graph, as the embedder takes it (directed arcs symmetrised, self-loops dropped,
     *                      parallel edges merged)
     * @param weightedPaths whether shortest paths use the edge weights as lengths
     * @return the kernel over the prepared graph
     * @throws IllegalArgumentException if the graph has no nodes or no edges between distinct nodes
     */
    public static BrandesKernel of(Graph graph, boolean weightedPaths) {
        return new BrandesKernel(SimpleGraph.of(graph), weightedPaths);
    }

    /** @return the prepared graph's node count */
    public int nodes() {
        return g.n;
    }

    /** @return the prepared graph's edge count */
    public int edges() {
        return g.m;
    }

    /** @return edge e's end nodes {u, v}, u &lt; v, in the prepared graph's edge order */
    public int[] edge(int e) {
        return new int[] {g.eu[e], g.ev[e]};
    }

    /** @return whether shortest paths use the edge weights */
    public boolean weightedPaths() {
        return weightedPaths;
    }

    /**
     * @param sources source nodes
     * @param threads worker threads for this call (a Spark task: the executor's cores per task)
     * @return the sum over the sources of each edge's dependency δ_s(e), not normalised
     */
    public double[] sum(int[] sources, int threads) {
        for (int s : sources) {
            if (s < 0 || s >= g.n) {
                throw new IllegalArgumentException("source " + s + " is not a node of this graph (" + g.n + " nodes)");
            }
        }
        return EdgeBetweenness.run(g, weightedPaths, sources, Math.max(1, threads), Progress.NONE);
    }

    /**
     * @param sum the sum over every node as a source
     * @return the exact normalised betweenness (as {@code betweenness.mode=exact} computes it)
     */
    public EdgeBetweenness.Result exact(double[] sum) {
        checkLength(sum);
        double scale = g.n < 2 ? 0 : 1.0 / ((double) g.n * (g.n - 1));
        double[] v = new double[sum.length];
        for (int e = 0; e < v.length; e++) {
            v[e] = sum[e] * scale;
        }
        return new EdgeBetweenness.Result(v, g.n, true, 0);
    }

    /**
     * @param samples how many sources to draw
     * @param seed    the seed
     * @return the sources {@code betweenness.mode=sampled} draws with this seed
     */
    public int[] sampledSources(int samples, long seed) {
        return EdgeBetweenness.sampleSources(g.n, samples, seed);
    }

    /**
     * @param sum     the sum over {@link #sampledSources}
     * @param samples how many there were
     * @return the estimate and its 95 % error bound, as {@code betweenness.mode=sampled} computes them
     */
    public EdgeBetweenness.Result sampled(double[] sum, int samples) {
        checkLength(sum);
        return EdgeBetweenness.sampledResult(g, sum.clone(), samples);
    }

    /**
     * The paper's embedding (wave-kernel signatures of the Stein solution) from a betweenness computed elsewhere.
     *
     * @param graph       the graph this kernel was made from (its edges give the edge vectors)
     * @param betweenness {@link #exact} or {@link #sampled}
     * @param dimensions  the embedding's dimensions
     * @param seed        for the Lanczos start vectors
     * @param threads     worker threads of the spectral part
     * @return the embedding, as {@code betweenness-spectral} with the default configuration gives it
     */
    public Embedding embed(Graph graph, EdgeBetweenness.Result betweenness, int dimensions, long seed, int threads) {
        checkLength(betweenness.values());
        Pipelines.Settings d = Pipelines.Settings.defaults();
        Pipelines.Settings s = new Pipelines.Settings(d.mode(), d.samples(), d.scale(), weightedPaths, seed,
                Math.max(1, threads), d.denseLimit(), d.eigenpairs(), d.wksWidth());
        Map<String, Double> diag = new LinkedHashMap<>();
        diag.put("betweenness.sources", (double) betweenness.sources());
        diag.put("betweenness.exact", betweenness.exact() ? 1.0 : 0.0);
        diag.put("betweenness.errorBound", betweenness.errorBound());
        return Pipelines.betweennessSpectral(graph, g, betweenness, dimensions, s, Progress.NONE, diag);
    }

    /**
     * The whole embedding of one graph, as {@code betweenness-spectral} with its default configuration computes it
     * (betweenness exact up to n·m = 2·10^9, sampled from 512 sources above), for jobs that embed many graphs.
     *
     * @param graph      the graph
     * @param dimensions the embedding's dimensions
     * @param seed       for sampled sources and the Lanczos start vectors
     * @param threads    worker threads (the result does not depend on them)
     * @return the embedding
     * @throws IllegalArgumentException if the graph has no edges, or the dimensions do not fit it (named)
     */
    public static Embedding embedWhole(Graph graph, int dimensions, long seed, int threads) {
        Pipelines.Settings d = Pipelines.Settings.defaults();
        Pipelines.Settings s = new Pipelines.Settings(d.mode(), d.samples(), d.scale(), d.weightedPaths(), seed,
                Math.max(1, threads), d.denseLimit(), d.eigenpairs(), d.wksWidth());
        return Pipelines.betweennessSpectral(graph, dimensions, s, Progress.NONE);
    }

    private void checkLength(double[] values) {
        if (values.length != g.m) {
            throw new IllegalArgumentException(values.length + " betweenness values for a graph of " + g.m + " edges");
        }
    }
}
