package org.modelkit.embedder.betweenness.internal;

import java.util.Arrays;
import org.modelkit.api.data.Graph;

/**
 * An undirected simple graph in CSR form with an edge id per arc, prepared from any
 * {@link Graph} by the documented treatment: a directed graph is symmetrised ({@code u->v} or
 * {@code v->u} becomes {@code {u, v}}), self-loops are dropped, and parallel edges are merged into
 * one (their weights summed). Edge e joins {@code eu[e] < ev[e]}; edges are numbered in the order of
 * {@link Graph#edges()} after the treatment.
 */
final class SimpleGraph implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final int n;
    final int m;
    final int[] off;
    final int[] adj;
    /** the edge id of each arc */
    final int[] arcEdge;
    final int[] eu;
    final int[] ev;
    /** the weight of each edge (all 1 for an unweighted graph) */
    final double[] weight;
    final boolean weighted;
    final int droppedSelfLoops;
    final int mergedParallel;
    final boolean symmetrised;

    private SimpleGraph(int n, int[] off, int[] adj, int[] arcEdge, int[] eu, int[] ev, double[] weight,
            boolean weighted, int droppedSelfLoops, int mergedParallel, boolean symmetrised) {
        this.n = n;
        this.m = eu.length;
        this.off = off;
        this.adj = adj;
        this.arcEdge = arcEdge;
        this.eu = eu;
        this.ev = ev;
        this.weight = weight;
        this.weighted = weighted;
        this.droppedSelfLoops = droppedSelfLoops;
        this.mergedParallel = mergedParallel;
        this.symmetrised = symmetrised;
    }

    /**
     * @throws IllegalArgumentException if the graph has no nodes or, after the treatment, no edges
     */
    static SimpleGraph of(Graph g) {
        int n = g.nodeCount();
        if (n == 0) {
            throw new IllegalArgumentException("the graph is empty: it has no nodes");
        }
        int[] off = g.offsets();
        int[] tgt = g.targets();
        double[] w = g.weights();
        // collect pairs u < v with weights; rows are sorted, so a merge of both directions is a sort
        long[] keys = new long[tgt.length];
        double[] kw = new double[tgt.length];
        int k = 0;
        int loops = 0;
        for (int u = 0; u < n; u++) {
            for (int i = off[u]; i < off[u + 1]; i++) {
                int v = tgt[i];
                if (v == u) {
                    loops++;
                    continue;
                }
                if (!g.directed() && v < u) {
                    continue; // the same edge is stored in v's row too
                }
                int a = Math.min(u, v);
                int b = Math.max(u, v);
                keys[k] = (long) a * n + b;
                kw[k++] = w[i];
            }
        }
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        long[] keysF = keys;
        Arrays.sort(order, (x, y) -> Long.compare(keysF[x], keysF[y]));
        int[] eu = new int[k];
        int[] ev = new int[k];
        double[] ew = new double[k];
        int m = 0;
        int merged = 0;
        for (int i = 0; i < k; i++) {
            long key = keys[order[i]];
            if (m > 0 && (long) eu[m - 1] * n + ev[m - 1] == key) {
                ew[m - 1] += kw[order[i]];
                merged++;
                continue;
            }
            eu[m] = (int) (key / n);
            ev[m] = (int) (key % n);
            ew[m++] = kw[order[i]];
        }
        if (m == 0) {
            throw new IllegalArgumentException("the graph has no edges between distinct nodes (" + n + " nodes, "
                    + g.arcCount() + " arcs" + (loops > 0 ? ", " + loops + " self-loops" : "") + ")");
        }
        eu = Arrays.copyOf(eu, m);
        ev = Arrays.copyOf(ev, m);
        ew = Arrays.copyOf(ew, m);
        if (!g.weighted()) {
            // merged parallel edges of an unweighted graph stay weight 1
            Arrays.fill(ew, 1.0);
        }
        int[] deg = new int[n];
        for (int e = 0; e < m; e++) {
            deg[eu[e]]++;
            deg[ev[e]]++;
        }
        int[] o = new int[n + 1];
        for (int u = 0; u < n; u++) {
            o[u + 1] = o[u] + deg[u];
        }
        int[] fill = Arrays.copyOf(o, n);
        int[] adj = new int[2 * m];
        int[] arcEdge = new int[2 * m];
        // edges are sorted by (u, v), so filling in edge order keeps every row sorted
        for (int e = 0; e < m; e++) {
            adj[fill[eu[e]]] = ev[e];
            arcEdge[fill[eu[e]]++] = e;
        }
        for (int e = 0; e < m; e++) {
            adj[fill[ev[e]]] = eu[e];
            arcEdge[fill[ev[e]]++] = e;
        }
        for (int u = 0; u < n; u++) {
            sortRow(adj, arcEdge, o[u], o[u + 1]);
        }
        return new SimpleGraph(n, o, adj, arcEdge, eu, ev, ew, g.weighted(), loops, merged, g.directed());
    }

    private static void sortRow(int[] adj, int[] arcEdge, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            int a = adj[i];
            int e = arcEdge[i];
            int j = i - 1;
            while (j >= from && adj[j] > a) {
                adj[j + 1] = adj[j];
                arcEdge[j + 1] = arcEdge[j];
                j--;
            }
            adj[j + 1] = a;
            arcEdge[j + 1] = e;
        }
    }

    int degree(int u) {
        return off[u + 1] - off[u];
    }

    /** @return what the treatment changed, for the summary, or an empty string */
    String treatment() {
        StringBuilder sb = new StringBuilder();
        if (symmetrised) {
            sb.append("symmetrised directed arcs; ");
        }
        if (droppedSelfLoops > 0) {
            sb.append("dropped ").append(droppedSelfLoops).append(" self-loops; ");
        }
        if (mergedParallel > 0) {
            sb.append("merged ").append(mergedParallel).append(" parallel edges; ");
        }
        return sb.length() == 0 ? "" : sb.substring(0, sb.length() - 2);
    }
}
