package org.modelkit.testkit;

import java.util.Arrays;
import java.util.List;
import org.modelkit.api.data.Graph;
import org.modelkit.api.embed.Embedder;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.progress.Progress;

/**
 * The contract of an {@link Embedder} (clauses in {@link MethodContract}). Input: {@link #graph()}, by default
 * Zachary's karate club (34 nodes, 78 unweighted edges), at {@link #dimensions()} (default 2). Bad input: a null
 * graph and an empty graph (message names "graph"), dimensions 0 (names "dimensions"). Degenerate: a nodes tensor
 * that is not {@code [nodes, dimensions]}, has a non-finite entry, or gives every node the same vector.
 */
public abstract class EmbedderContract extends MethodContract<Embedder> {
    /** Zachary's karate club as an edge list (u, v pairs, nodes 0..33). */
    static final int[] KARATE = {
            0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0, 10, 0, 11, 0, 12, 0, 13, 0, 17, 0, 19, 0, 21, 0,
            31, 1, 2, 1, 3, 1, 7, 1, 13, 1, 17, 1, 19, 1, 21, 1, 30, 2, 3, 2, 7, 2, 8, 2, 9, 2, 13, 2, 27, 2,
            28, 2, 32, 3, 7, 3, 12, 3, 13, 4, 6, 4, 10, 5, 6, 5, 10, 5, 16, 6, 16, 8, 30, 8, 32, 8, 33, 9, 33,
            13, 33, 14, 32, 14, 33, 15, 32, 15, 33, 18, 32, 18, 33, 19, 33, 20, 32, 20, 33, 22, 32, 22, 33, 23,
            25, 23, 27, 23, 29, 23, 32, 23, 33, 24, 25, 24, 27, 24, 31, 25, 31, 26, 29, 26, 33, 27, 33, 28, 31,
            28, 33, 29, 32, 29, 33, 30, 32, 30, 33, 31, 32, 31, 33, 32, 33
    };

    @Override
    protected final Class<Embedder> type() {
        return Embedder.class;
    }

    /** @return the graph every clause embeds: the karate club unless the method needs another */
    protected Graph graph() {
        int m = KARATE.length / 2;
        int[] s = new int[m];
        int[] t = new int[m];
        for (int i = 0; i < m; i++) {
            s[i] = KARATE[2 * i];
            t[i] = KARATE[2 * i + 1];
        }
        return Graph.fromEdges(34, s, t, null, false);
    }

    /** @return the dimensions every clause asks for: 2 unless the method needs another */
    protected int dimensions() {
        return 2;
    }

    @Override
    protected Object run(Embedder method, Progress progress) {
        return method.embed(graph(), dimensions(), progress);
    }

    @Override
    protected List<Object> fingerprint(Object result) {
        Embedding e = (Embedding) result;
        return List.of(e.nodes().shape(), e.nodes().toArray(), e.edges() == null ? new float[0] : e.edges().toArray());
    }

    @Override
    protected String degenerate(Object result) {
        Embedding e = (Embedding) result;
        int n = graph().nodeCount();
        if (!Arrays.equals(e.nodes().shape(), new int[] {n, dimensions()})) {
            return "the nodes tensor is " + Arrays.toString(e.nodes().shape()) + ", expected [" + n + ", " + dimensions() + "]";
        }
        float[] x = e.nodes().toArray();
        for (float v : x) {
            if (!Float.isFinite(v)) {
                return "the embedding has a non-finite entry";
            }
        }
        boolean allSame = true;
        for (int u = 1; u < n && allSame; u++) {
            allSame = Arrays.equals(e.nodes().row(u), e.nodes().row(0));
        }
        return allSame ? "every node has the same vector " + Arrays.toString(e.nodes().row(0)) : null;
    }

    @Override
    protected List<BadInput> badInputs(Embedder method) {
        Graph empty = Graph.fromEdges(0, new int[0], new int[0], null, false);
        return List.of(
                new BadInput("a null graph", "graph", () -> method.embed(null, dimensions(), Progress.NONE)),
                new BadInput("an empty graph", "graph", () -> method.embed(empty, dimensions(), Progress.NONE)),
                new BadInput("dimensions 0", "dimensions", () -> method.embed(graph(), 0, Progress.NONE)));
    }
}
