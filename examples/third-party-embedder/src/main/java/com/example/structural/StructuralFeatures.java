package com.example.structural;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import org.modelkit.api.data.Graph;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.embed.Embedder;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.progress.Progress;
import org.osgi.service.component.annotations.Component;

/**
 * A third-party {@link Embedder}, built outside Modelkit's reactor against its published artifacts: each node's
 * classic structural features, in this order (the first {@code dimensions} of them):
 * <ol>
 * <li>degree centrality, deg(u) / (n - 1);</li>
 * <li>harmonic closeness, (1 / (n - 1)) Σ_{v ≠ u} 1 / d(u, v) (0 for unreachable v; defined on disconnected graphs,
 * unlike closeness), by breadth-first search from every node: O(n·m);</li>
 * <li>the local clustering coefficient, the fraction of u's neighbour pairs that are adjacent (0 below degree 2);</li>
 * <li>the mean degree of u's neighbours over the largest degree (0 for an isolated node).</li>
 * </ol>
 * Structure only: edge weights and directions are ignored (a directed graph is read as undirected), and parallel
 * edges and self-loops count once and not at all. Deterministic: no randomness.
 */
@Component(service = {Embedder.class, Method.class}, property = Method.NAME_PROPERTY + "=" + StructuralFeatures.NAME)
public class StructuralFeatures implements Embedder {
    /** The method's name. */
    public static final String NAME = "structural-features";
    /** How many features there are, the most {@code dimensions} can ask for. */
    public static final int FEATURES = 4;

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(NAME,
            "Structural node features: degree, harmonic closeness, clustering, mean neighbour degree (third-party example)",
            "baseline (Wasserman and Faust 1994; Marchiori and Latora 2000, harmonic closeness)", "1.0.0", Set.of());

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Embedding embed(Graph graph, int dimensions, Progress progress) {
        if (graph == null) {
            throw new IllegalArgumentException("graph must not be null");
        }
        int n = graph.nodeCount();
        if (n < 2) {
            throw new IllegalArgumentException("graph has " + n + " node(s); structural features need at least 2");
        }
        if (dimensions < 1 || dimensions > FEATURES) {
            throw new IllegalArgumentException("dimensions = " + dimensions + " must lie in [1, " + FEATURES + "]");
        }
        Progress p = progress == null ? Progress.NONE : progress;
        int[][] adj = simpleAdjacency(graph);
        int maxDegree = 0;
        for (int[] a : adj) {
            maxDegree = Math.max(maxDegree, a.length);
        }
        float[] out = new float[n * dimensions];
        int[] dist = new int[n];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int u = 0; u < n; u++) {
            p.checkCancelled();
            double[] f = new double[FEATURES];
            f[0] = adj[u].length / (double) (n - 1);
            if (dimensions > 1) {
                java.util.Arrays.fill(dist, -1);
                dist[u] = 0;
                queue.add(u);
                double harmonic = 0;
                while (!queue.isEmpty()) {
                    int x = queue.poll();
                    for (int y : adj[x]) {
                        if (dist[y] < 0) {
                            dist[y] = dist[x] + 1;
                            harmonic += 1.0 / dist[y];
                            queue.add(y);
                        }
                    }
                }
                f[1] = harmonic / (n - 1);
            }
            if (dimensions > 2 && adj[u].length >= 2) {
                long links = 0;
                for (int i = 0; i < adj[u].length; i++) {
                    for (int j = i + 1; j < adj[u].length; j++) {
                        links += java.util.Arrays.binarySearch(adj[adj[u][i]], adj[u][j]) >= 0 ? 1 : 0;
                    }
                }
                long pairs = (long) adj[u].length * (adj[u].length - 1) / 2;
                f[2] = links / (double) pairs;
            }
            if (dimensions > 3 && adj[u].length > 0) {
                double sum = 0;
                for (int v : adj[u]) {
                    sum += adj[v].length;
                }
                f[3] = sum / adj[u].length / maxDegree;
            }
            for (int j = 0; j < dimensions; j++) {
                out[u * dimensions + j] = (float) f[j];
            }
            p.report("nodes", u + 1, n);
        }
        return new Embedding(Tensor.of(out, n, dimensions), null, Map.of("nodes", (double) n, "maxDegree", (double) maxDegree));
    }

    /** @return each node's distinct neighbours other than itself, sorted, the graph read as undirected */
    static int[][] simpleAdjacency(Graph graph) {
        int n = graph.nodeCount();
        java.util.List<java.util.TreeSet<Integer>> sets = new java.util.ArrayList<>();
        for (int u = 0; u < n; u++) {
            sets.add(new java.util.TreeSet<>());
        }
        int[] off = graph.offsets();
        int[] tgt = graph.targets();
        for (int u = 0; u < n; u++) {
            for (int i = off[u]; i < off[u + 1]; i++) {
                if (tgt[i] != u) {
                    sets.get(u).add(tgt[i]);
                    sets.get(tgt[i]).add(u);
                }
            }
        }
        int[][] adj = new int[n][];
        for (int u = 0; u < n; u++) {
            adj[u] = sets.get(u).stream().mapToInt(Integer::intValue).toArray();
        }
        return adj;
    }
}
