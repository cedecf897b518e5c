package org.modelkit.embedder.betweenness.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.modelkit.api.data.Graph;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.progress.Progress;

/**
 * The three embeddings assembled from shared parts: graph preparation ({@link SimpleGraph}), edge
 * betweenness ({@link EdgeBetweenness}), the Stein solve ({@link Stein}), normalised Laplacians, dense
 * (EJML) or sparse ({@link Lanczos}) eigenpairs, and wave-kernel signatures ({@link WaveKernel}).
 */
final class Pipelines {
    /** Most energy samples a wave-kernel signature may have (its dimension does not depend on the node count). */
    static final int MAX_ENERGIES = 4096;

    /**
     * How the embedders compute; from the component configuration.
     *
     * @param mode          "exact", "sampled" or "auto" (exact while n·m is at most 2·10^9)
     * @param samples       sources for the sampled betweenness estimate
     * @param scale         factor on the normalised betweenness in W_B (10 in the authors' code)
     * @param weightedPaths whether shortest paths use the graph's edge weights as lengths
     * @param seed          for source sampling and Lanczos start vectors
     * @param threads       worker threads for betweenness, at least 1
     * @param denseLimit    largest node count for the dense eigensolver
     * @param eigenpairs    eigenpairs kept per matrix above the dense limit
     * @param wksWidth      the wave-kernel width w, in units of the spacing between energy samples
     */
    record Settings(String mode, int samples, double scale, boolean weightedPaths, long seed, int threads, int denseLimit,
            int eigenpairs, double wksWidth) {
        Settings {
            if (!mode.equals("exact") && !mode.equals("sampled") && !mode.equals("auto")) {
                throw new IllegalArgumentException("betweenness.mode '" + mode + "' must be exact, sampled or auto");
            }
            if (samples < 1 || threads < 1 || denseLimit < 2 || eigenpairs < 2) {
                throw new IllegalArgumentException("betweenness.samples, threads, dense.limit and eigenpairs must be"
                        + " positive (dense.limit and eigenpairs at least 2)");
            }
            if (!(scale > 0 && Double.isFinite(scale)) || !(wksWidth > 0 && Double.isFinite(wksWidth))) {
                throw new IllegalArgumentException("betweenness.scale and wks.width must be finite and positive");
            }
        }

        static Settings defaults() {
            return new Settings("auto", 512, 10.0, false, 42L, Math.max(1, Runtime.getRuntime().availableProcessors()),
                    1000, 48, 1.0);
        }

        Settings withDenseLimit(int limit) {
            return new Settings(mode, samples, scale, weightedPaths, seed, threads, limit, eigenpairs, wksWidth);
        }
    }

    private Pipelines() {
    }

    // ---------------------------------------------------------------------------------------------
    // the paper's embedding

    static Embedding betweennessSpectral(Graph graph, int dims, Settings s, Progress p) {
        long t0 = System.nanoTime();
        SimpleGraph g = SimpleGraph.of(graph);
        checkDims(dims, MAX_ENERGIES, g.n);
        Map<String, Double> diag = new LinkedHashMap<>();
        EdgeBetweenness.Result b = betweenness(g, s, p, diag);
        diag.put("seconds.betweenness", (System.nanoTime() - t0) / 1e9);
        return betweennessSpectral(graph, g, b, dims, s, p, diag);
    }

    /** The spectral part of {@link #betweennessSpectral(Graph, int, Settings, Progress)}, from a betweenness. */
    static Embedding betweennessSpectral(Graph graph, SimpleGraph g, EdgeBetweenness.Result b, int dims, Settings s,
            Progress p, Map<String, Double> diag) {
        checkDims(dims, MAX_ENERGIES, g.n);
        long t1 = System.nanoTime();
        double[][] wks = WaveKernel.signatures(steinByComponent(g, b.values(), s, p, diag), g.n, dims, s.wksWidth());
        diag.put("seconds.spectral", (System.nanoTime() - t1) / 1e9);
        return embedding(graph, g, wks, diag);
    }

    /**
     * The Stein solution's eigenpairs, component by component. W_B and L are block-diagonal over the connected
     * components, so X is too, and each block solves its own component's equation: densely up to {@code dense.limit}
     * nodes, otherwise truncated to the component's own eigenpairs (an isolated node's block is X = 1). Truncating
     * the whole graph at once instead keeps the 48 eigenpairs of largest magnitude or value wherever they lie: on
     * netscience all 48 of L's are the eigenvalue 2 of small two-colourable components and all 48 of W_B's lie in
     * the large ones, so UᵀV = 0, X = I, and every node got the same signature (found in issue 23's review).
     */
    static java.util.List<WaveKernel.Block> steinByComponent(SimpleGraph g, double[] betweenness, Settings s, Progress p,
            Map<String, Double> diag) {
        int[] comp = new int[g.n];
        java.util.Arrays.fill(comp, -1);
        java.util.List<int[]> parts = new java.util.ArrayList<>();
        int[] queue = new int[g.n];
        for (int start = 0; start < g.n; start++) {
            if (comp[start] >= 0) {
                continue;
            }
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            comp[start] = parts.size();
            while (head < tail) {
                int u = queue[head++];
                for (int a = g.off[u]; a < g.off[u + 1]; a++) {
                    if (comp[g.adj[a]] < 0) {
                        comp[g.adj[a]] = parts.size();
                        queue[tail++] = g.adj[a];
                    }
                }
            }
            int[] nodes = java.util.Arrays.copyOf(queue, tail);
            java.util.Arrays.sort(nodes);
            parts.add(nodes);
        }
        if (parts.size() == 1) {
            SparseSym w = betweennessGraph(g, betweenness, s.scale());
            SparseSym l = w.normalizedLaplacian();
            Stein.Spectrum x = g.n <= s.denseLimit() ? Stein.dense(w, l, diag) : Stein.sparse(w, l, s, p, diag);
            return java.util.List.of(block(parts.get(0), x));
        }
        // the edges of each component, in the graph's edge order, with their nodes' local indices
        int[] local = new int[g.n];
        for (int[] nodes : parts) {
            for (int i = 0; i < nodes.length; i++) {
                local[nodes[i]] = i;
            }
        }
        int[] edgeCount = new int[parts.size()];
        for (int e = 0; e < g.m; e++) {
            edgeCount[comp[g.eu[e]]]++;
        }
        java.util.List<WaveKernel.Block> blocks = new java.util.ArrayList<>();
        double conditioning = Double.POSITIVE_INFINITY;
        double residual = 0;
        int sparse = 0;
        int[][] us = new int[parts.size()][];
        int[][] vs = new int[parts.size()][];
        double[][] bs = new double[parts.size()][];
        for (int c = 0; c < parts.size(); c++) {
            us[c] = new int[edgeCount[c]];
            vs[c] = new int[edgeCount[c]];
            bs[c] = new double[edgeCount[c]];
        }
        int[] filled = new int[parts.size()];
        for (int e = 0; e < g.m; e++) {
            int c = comp[g.eu[e]];
            us[c][filled[c]] = local[g.eu[e]];
            vs[c][filled[c]] = local[g.ev[e]];
            bs[c][filled[c]++] = betweenness[e];
        }
        for (int c = 0; c < parts.size(); c++) {
            int[] nodes = parts.get(c);
            if (nodes.length == 1) { // an isolated node: W = L = 0, so X = 1
                blocks.add(new WaveKernel.Block(nodes, new double[] {1}, new double[][] {{1}}, Double.NaN, null, 0));
                continue;
            }
            SimpleGraph gc = SimpleGraph.of(Graph.fromEdges(nodes.length, us[c], vs[c], null, false));
            // the component's graph numbers its edges in its own order: carry the values over by their end nodes
            Map<Long, Double> byEnds = new java.util.HashMap<>();
            for (int e = 0; e < us[c].length; e++) {
                byEnds.put((long) Math.min(us[c][e], vs[c][e]) * nodes.length + Math.max(us[c][e], vs[c][e]), bs[c][e]);
            }
            double[] values = new double[gc.m];
            for (int e = 0; e < gc.m; e++) {
                values[e] = byEnds.get((long) gc.eu[e] * nodes.length + gc.ev[e]);
            }
            SparseSym w = betweennessGraph(gc, values, s.scale());
            SparseSym l = w.normalizedLaplacian();
            Map<String, Double> d = new LinkedHashMap<>();
            Stein.Spectrum x;
            if (nodes.length <= s.denseLimit()) {
                x = Stein.dense(w, l, d);
            } else {
                x = Stein.sparse(w, l, s, p, d);
                sparse++;
                for (String key : new String[] {"eigen.products.W", "eigen.restarts.W", "eigen.products.L", "eigen.restarts.L"}) {
                    diag.merge(key, d.get(key), Double::sum);
                }
                diag.merge("eigen.maxResidual", d.get("eigen.maxResidual"), Math::max);
            }
            conditioning = Math.min(conditioning, d.get("conditioning"));
            residual = Math.max(residual, d.get("stein.residual"));
            blocks.add(block(nodes, x));
        }
        diag.put("components", (double) parts.size());
        diag.put("dense", sparse == 0 ? 1.0 : 0.0);
        diag.put("conditioning", conditioning);
        diag.put("stein.residual", residual);
        return blocks;
    }

    private static WaveKernel.Block block(int[] nodes, Stein.Spectrum x) {
        return new WaveKernel.Block(nodes, x.values, x.vectors, x.implicitValue, x.implicitWeight, x.implicitCount);
    }

    /** W_B: the graph's edges weighted by scale x normalised edge betweenness. */
    static SparseSym betweennessGraph(SimpleGraph g, double[] betweenness, double scale) {
        double[] wb = new double[g.m];
        for (int e = 0; e < g.m; e++) {
            wb[e] = scale * betweenness[e];
        }
        return SparseSym.adjacency(g, wb);
    }

    // ---------------------------------------------------------------------------------------------
    // baselines

    static Embedding laplacianEigenmaps(Graph graph, int dims, Settings s, Progress p) {
        long t0 = System.nanoTime();
        SimpleGraph g = SimpleGraph.of(graph);
        checkDims(dims, g.n - 1, g.n);
        Map<String, Double> diag = new LinkedHashMap<>();
        Eigen e = smallestOfLaplacian(SparseSym.adjacency(g, g.weight).normalizedLaplacian(), dims + 1, s, p, diag);
        double[][] coords = new double[g.n][dims];
        for (int x = 0; x < g.n; x++) {
            for (int j = 0; j < dims; j++) {
                coords[x][j] = e.vectors()[x][j + 1];
            }
        }
        diag.put("lambda2", e.values()[1]);
        diag.put("seconds.spectral", (System.nanoTime() - t0) / 1e9);
        return embedding(graph, g, coords, diag);
    }

    static Embedding waveKernel(Graph graph, int dims, Settings s, Progress p) {
        long t0 = System.nanoTime();
        SimpleGraph g = SimpleGraph.of(graph);
        checkDims(dims, MAX_ENERGIES, g.n);
        Map<String, Double> diag = new LinkedHashMap<>();
        int k = g.n <= s.denseLimit() ? g.n : Math.min(s.eigenpairs(), g.n - 1);
        Eigen e = smallestOfLaplacian(SparseSym.adjacency(g, g.weight).normalizedLaplacian(), k, s, p, diag);
        double[][] wks = WaveKernel.signatures(e.values(), e.vectors(), dims, s.wksWidth(), Double.NaN, null, 0);
        diag.put("seconds.spectral", (System.nanoTime() - t0) / 1e9);
        return embedding(graph, g, wks, diag);
    }

    /** The k smallest eigenpairs of a normalised Laplacian (spectrum in [0, 2]), dense or by Lanczos. */
    static Eigen smallestOfLaplacian(SparseSym lap, int k, Settings s, Progress p, Map<String, Double> diag) {
        int n = lap.g.n;
        if (n <= s.denseLimit()) {
            // one step, milliseconds up to the dense limit: cancellation is checked and progress reported around it
            p.checkCancelled();
            p.report("eigenpairs", 0, 1);
            diag.put("dense", 1.0);
            Eigen all = Eigen.dense(lap.dense());
            p.report("eigenpairs", 1, 1);
            int[] first = new int[k];
            for (int i = 0; i < k; i++) {
                first[i] = i;
            }
            return all.select(first);
        }
        // 2I - L has its spectrum in [0, 2]
        Lanczos.Result r = ComponentSpectra.solve(lap.shiftedNegation(2), k, Lanczos.Which.LARGEST, 0.0, 1e-10, s.seed(),
                s.threads(), p);
        diag.put("dense", 0.0);
        diag.put("eigen.maxResidual", r.maxResidual());
        diag.put("eigen.products", (double) r.matvecs());
        diag.put("eigen.restarts", (double) r.restarts());
        // eigenvalues of 2I - L, ascending, become those of L, descending: reverse both
        double[] vals = new double[k];
        double[][] vecs = new double[n][k];
        for (int c = 0; c < k; c++) {
            vals[c] = 2 - r.eigen().values()[k - 1 - c];
            for (int x = 0; x < n; x++) {
                vecs[x][c] = r.eigen().vectors()[x][k - 1 - c];
            }
        }
        return new Eigen(vals, vecs);
    }

    /** The betweenness the settings ask for; records what was computed in diag. */
    static EdgeBetweenness.Result betweenness(SimpleGraph g, Settings s, Progress p, Map<String, Double> diag) {
        boolean exact = switch (s.mode()) {
            case "exact" -> true;
            case "sampled" -> false;
            default -> (double) g.n * g.m <= 2e9;
        };
        EdgeBetweenness.Result b = exact ? EdgeBetweenness.exact(g, s.weightedPaths(), s.threads(), p)
                : EdgeBetweenness.sampled(g, s.weightedPaths(), s.samples(), s.seed(), s.threads(), p);
        diag.put("betweenness.sources", (double) b.sources());
        diag.put("betweenness.exact", b.exact() ? 1.0 : 0.0);
        diag.put("betweenness.errorBound", b.errorBound());
        return b;
    }

    // ---------------------------------------------------------------------------------------------

    private static void checkDims(int dims, int max, int n) {
        if (dims < 1 || dims > max) {
            throw new IllegalArgumentException("dimensions = " + dims + " must lie in [1, " + max + "] for a graph of "
                    + n + " nodes");
        }
    }

    /** Node vectors, and edge vectors [(d(u)+d(v))/2, |d(u)-d(v)|] for the input graph's edges. */
    private static Embedding embedding(Graph graph, SimpleGraph g, double[][] nodes, Map<String, Double> diag) {
        int d = nodes[0].length;
        float[] nf = new float[g.n * d];
        for (int x = 0; x < g.n; x++) {
            for (int j = 0; j < d; j++) {
                nf[x * d + j] = (float) nodes[x][j];
            }
        }
        int[][] edges = graph.edges();
        float[] ef = new float[edges.length * 2 * d];
        for (int e = 0; e < edges.length; e++) {
            double[] a = nodes[edges[e][0]];
            double[] b = nodes[edges[e][1]];
            for (int j = 0; j < d; j++) {
                ef[e * 2 * d + j] = (float) (0.5 * (a[j] + b[j]));
                ef[e * 2 * d + d + j] = (float) Math.abs(a[j] - b[j]);
            }
        }
        diag.put("nodes", (double) g.n);
        diag.put("edges", (double) g.m);
        return new Embedding(Tensor.of(nf, g.n, d), Tensor.of(ef, edges.length, 2 * d), diag);
    }
}
