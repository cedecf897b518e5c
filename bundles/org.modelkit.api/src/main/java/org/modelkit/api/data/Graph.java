package org.modelkit.api.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A graph in compressed sparse row (CSR) form, with optional positive edge weights, integer node
 * labels and node names.
 *
 * <p>Nodes are {@code 0..nodeCount()-1}. The out-neighbours of node {@code u} are
 * {@code targets[offsets[u] .. offsets[u+1])}, sorted ascending (with weights sorted along). An
 * undirected graph stores every edge {@code {u, v}} with {@code u != v} in both rows, and a self-loop
 * once, so its adjacency is symmetric; the constructor checks that. Self-loops and parallel edges are
 * representable; methods that cannot treat them say so and can ask {@link #hasSelfLoops()} and
 * {@link #hasParallelEdges()}. Immutable.
 */
public final class Graph {
    private final int nodeCount;
    private final boolean directed;
    private final int[] offsets;
    private final int[] targets;
    private final double[] weights;
    private final int[] labels;
    private final List<String> names;
    private final List<String> labelNames;

    /**
     * Creates a graph from CSR arrays, copying them and sorting each row.
     *
     * @param nodeCount number of nodes, at least 0
     * @param directed  whether arcs are directed; if false the adjacency must be symmetric
     * @param offsets   row starts, length {@code nodeCount + 1}, from 0, non-decreasing, ending at
     *                  {@code targets.length}
     * @param targets   neighbour of each arc, each in {@code [0, nodeCount)}
     * @param weights   weight of each arc (same length as targets), finite and positive; or null for
     *                  an unweighted graph (every weight 1)
     * @param labels    a non-negative integer label per node (for example a community), or null
     * @param names     a name per node (for example the id in the source file), or null
     * @throws IllegalArgumentException if any of the conditions above does not hold, naming which
     */
    public Graph(int nodeCount, boolean directed, int[] offsets, int[] targets, double[] weights, int[] labels,
            List<String> names) {
        Checks.nonNegative(nodeCount, "nodeCount");
        Checks.notNull(offsets, "offsets");
        Checks.notNull(targets, "targets");
        if (offsets.length != nodeCount + 1) {
            throw new IllegalArgumentException("offsets has length " + offsets.length + ", expected nodeCount + 1 = "
                    + (nodeCount + 1));
        }
        if (offsets[0] != 0) {
            throw new IllegalArgumentException("offsets[0] must be 0, got " + offsets[0]);
        }
        for (int u = 0; u < nodeCount; u++) {
            if (offsets[u + 1] < offsets[u]) {
                throw new IllegalArgumentException("offsets must not decrease: offsets[" + (u + 1) + "] = "
                        + offsets[u + 1] + " < offsets[" + u + "] = " + offsets[u]);
            }
        }
        if (offsets[nodeCount] != targets.length) {
            throw new IllegalArgumentException("offsets[nodeCount] = " + offsets[nodeCount] + " but targets has "
                    + targets.length + " entries");
        }
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] < 0 || targets[i] >= nodeCount) {
                throw new IllegalArgumentException("targets[" + i + "] = " + targets[i] + " is not a node in [0, "
                        + nodeCount + ")");
            }
        }
        if (weights != null) {
            if (weights.length != targets.length) {
                throw new IllegalArgumentException("weights has " + weights.length + " entries, targets has "
                        + targets.length);
            }
            for (int i = 0; i < weights.length; i++) {
                if (!(Double.isFinite(weights[i]) && weights[i] > 0)) {
                    throw new IllegalArgumentException("weights[" + i + "] is " + weights[i]
                            + "; edge weights must be finite and positive");
                }
            }
        }
        if (labels != null) {
            if (labels.length != nodeCount) {
                throw new IllegalArgumentException("labels has " + labels.length + " entries, expected one per node ("
                        + nodeCount + ")");
            }
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0) {
                    throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is negative");
                }
            }
        }
        if (names != null && names.size() != nodeCount) {
            throw new IllegalArgumentException("names has " + names.size() + " entries, expected one per node ("
                    + nodeCount + ")");
        }
        this.nodeCount = nodeCount;
        this.directed = directed;
        this.offsets = offsets.clone();
        this.targets = targets.clone();
        this.weights = weights == null ? null : weights.clone();
        this.labels = labels == null ? null : labels.clone();
        this.names = names == null ? null : List.copyOf(names);
        this.labelNames = null;
        sortRows();
        if (!directed) {
            checkSymmetric();
        }
    }

    /**
     * Builds a graph from an edge list.
     *
     * <p>For an undirected graph each pair is one edge and is stored in both rows (a self-loop once).
     * Parallel edges are kept as given.
     *
     * @param nodeCount number of nodes
     * @param sources   first endpoint of each edge
     * @param targets   second endpoint of each edge, same length as sources
     * @param weights   positive finite weight of each edge, or null for unweighted
     * @param directed  whether the edges are directed
     * @return the graph, without labels or names
     * @throws IllegalArgumentException if lengths differ, an endpoint is not a node, or a weight is bad
     */
    public static Graph fromEdges(int nodeCount, int[] sources, int[] targets, double[] weights, boolean directed) {
        Checks.nonNegative(nodeCount, "nodeCount");
        Checks.notNull(sources, "sources");
        Checks.notNull(targets, "targets");
        if (sources.length != targets.length) {
            throw new IllegalArgumentException("sources has " + sources.length + " entries, targets has " + targets.length);
        }
        if (weights != null && weights.length != sources.length) {
            throw new IllegalArgumentException("weights has " + weights.length + " entries, sources has " + sources.length);
        }
        int[] degree = new int[nodeCount];
        for (int e = 0; e < sources.length; e++) {
            int u = sources[e];
            int v = targets[e];
            if (u < 0 || u >= nodeCount) {
                throw new IllegalArgumentException("sources[" + e + "] = " + u + " is not a node in [0, " + nodeCount + ")");
            }
            if (v < 0 || v >= nodeCount) {
                throw new IllegalArgumentException("targets[" + e + "] = " + v + " is not a node in [0, " + nodeCount + ")");
            }
            degree[u]++;
            if (!directed && u != v) {
                degree[v]++;
            }
        }
        int[] off = new int[nodeCount + 1];
        for (int u = 0; u < nodeCount; u++) {
            off[u + 1] = Math.addExact(off[u], degree[u]);
        }
        int[] fill = Arrays.copyOf(off, nodeCount);
        int[] tgt = new int[off[nodeCount]];
        double[] w = weights == null ? null : new double[off[nodeCount]];
        for (int e = 0; e < sources.length; e++) {
            int u = sources[e];
            int v = targets[e];
            if (w != null) {
                w[fill[u]] = weights[e];
            }
            tgt[fill[u]++] = v;
            if (!directed && u != v) {
                if (w != null) {
                    w[fill[v]] = weights[e];
                }
                tgt[fill[v]++] = u;
            }
        }
        return new Graph(nodeCount, directed, off, tgt, w, null, null);
    }

    /**
     * Returns a copy of this graph with node labels and names.
     *
     * @param newLabels a non-negative label per node, or null
     * @param newNames  a name per node, or null
     * @return the new graph
     * @throws IllegalArgumentException if a length differs from the node count or a label is negative
     */
    public Graph withNodeData(int[] newLabels, List<String> newNames) {
        return new Graph(nodeCount, directed, offsets, targets, weights, newLabels, newNames);
    }

    /**
     * Returns a copy of this graph whose labels have names, for example the class names a file gave
     * as strings ({@code "l", "c", "n"}), so that tables and legends can show them.
     *
     * @param names the name of label 0, 1, ..., covering every label; or null for none
     * @return the new graph
     * @throws IllegalArgumentException if the graph has no labels, or a label has no name
     */
    public Graph withLabelNames(List<String> names) {
        if (names == null) {
            return new Graph(this, null);
        }
        if (labels == null) {
            throw new IllegalArgumentException("the graph has no labels to name");
        }
        for (int l : labels) {
            if (l >= names.size()) {
                throw new IllegalArgumentException("label " + l + " has no name; " + names.size() + " names given");
            }
        }
        return new Graph(this, List.copyOf(names));
    }

    /** @return the name of each label (index = label), or null if the labels are only numbers */
    public List<String> labelNames() {
        return labelNames;
    }

    /** @return the number of nodes */
    public int nodeCount() {
        return nodeCount;
    }

    /** @return the number of stored arcs (both directions of an undirected edge count) */
    public int arcCount() {
        return targets.length;
    }

    /** @return the number of edges: arcs for a directed graph; for an undirected one, pairs (a self-loop counts once) */
    public int edgeCount() {
        if (directed) {
            return targets.length;
        }
        int loops = 0;
        for (int u = 0; u < nodeCount; u++) {
            for (int i = offsets[u]; i < offsets[u + 1]; i++) {
                if (targets[i] == u) {
                    loops++;
                }
            }
        }
        return (targets.length - loops) / 2 + loops;
    }

    /** @return whether arcs are directed */
    public boolean directed() {
        return directed;
    }

    /** @return whether the graph carries edge weights (if not, every weight is 1) */
    public boolean weighted() {
        return weights != null;
    }

    /** @return a copy of the row offsets (length {@code nodeCount + 1}) */
    public int[] offsets() {
        return offsets.clone();
    }

    /** @return a copy of the arc targets, row by row */
    public int[] targets() {
        return targets.clone();
    }

    /** @return a copy of the arc weights, or an array of ones for an unweighted graph */
    public double[] weights() {
        if (weights == null) {
            double[] ones = new double[targets.length];
            Arrays.fill(ones, 1.0);
            return ones;
        }
        return weights.clone();
    }

    /**
     * @param u a node
     * @return the number of arcs leaving u (for an undirected graph: its degree, a self-loop counted once)
     */
    public int degree(int u) {
        checkNode(u);
        return offsets[u + 1] - offsets[u];
    }

    /**
     * @param u a node
     * @return a copy of u's out-neighbours, ascending
     */
    public int[] neighbours(int u) {
        checkNode(u);
        return Arrays.copyOfRange(targets, offsets[u], offsets[u + 1]);
    }

    /** @return a copy of the node labels, or null if the graph has none */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** @return the node names, or null if the graph has none */
    public List<String> names() {
        return names;
    }

    /** @return whether some node has an arc to itself */
    public boolean hasSelfLoops() {
        for (int u = 0; u < nodeCount; u++) {
            for (int i = offsets[u]; i < offsets[u + 1]; i++) {
                if (targets[i] == u) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return whether some row holds the same neighbour twice */
    public boolean hasParallelEdges() {
        for (int u = 0; u < nodeCount; u++) {
            for (int i = offsets[u] + 1; i < offsets[u + 1]; i++) {
                if (targets[i] == targets[i - 1]) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The edges as endpoint pairs, in row order; for an undirected graph each edge once, with
     * {@code source <= target}.
     *
     * @return an array of {@code [source, target]} pairs
     */
    public int[][] edges() {
        List<int[]> out = new ArrayList<>();
        for (int u = 0; u < nodeCount; u++) {
            for (int i = offsets[u]; i < offsets[u + 1]; i++) {
                if (directed || u <= targets[i]) {
                    out.add(new int[] {u, targets[i]});
                }
            }
        }
        return out.toArray(new int[0][]);
    }

    private void checkNode(int u) {
        if (u < 0 || u >= nodeCount) {
            throw new IllegalArgumentException("node " + u + " is not in [0, " + nodeCount + ")");
        }
    }

    /** Sorts each row by (target, weight) with a small index sort. */
    private void sortRows() {
        for (int u = 0; u < nodeCount; u++) {
            int from = offsets[u];
            int to = offsets[u + 1];
            boolean sorted = true;
            for (int i = from + 1; i < to && sorted; i++) {
                sorted = targets[i - 1] < targets[i]
                        || (targets[i - 1] == targets[i] && (weights == null || weights[i - 1] <= weights[i]));
            }
            if (sorted) {
                continue;
            }
            Integer[] order = new Integer[to - from];
            for (int i = 0; i < order.length; i++) {
                order[i] = from + i;
            }
            Arrays.sort(order, (a, b) -> {
                int c = Integer.compare(targets[a], targets[b]);
                return c != 0 || weights == null ? c : Double.compare(weights[a], weights[b]);
            });
            int[] t = new int[order.length];
            double[] w = weights == null ? null : new double[order.length];
            for (int i = 0; i < order.length; i++) {
                t[i] = targets[order[i]];
                if (w != null) {
                    w[i] = weights[order[i]];
                }
            }
            System.arraycopy(t, 0, targets, from, t.length);
            if (w != null) {
                System.arraycopy(w, 0, weights, from, w.length);
            }
        }
    }

    /** Checks that the transpose equals the graph, arc by arc (rows are sorted, so rows compare directly). */
    private void checkSymmetric() {
        int[] count = new int[nodeCount + 1];
        for (int t : targets) {
            count[t + 1]++;
        }
        for (int u = 0; u < nodeCount; u++) {
            count[u + 1] += count[u];
        }
        int[] fill = Arrays.copyOf(count, nodeCount);
        int[] tt = new int[targets.length];
        double[] tw = weights == null ? null : new double[targets.length];
        for (int u = 0; u < nodeCount; u++) {
            for (int i = offsets[u]; i < offsets[u + 1]; i++) {
                int v = targets[i];
                if (tw != null) {
                    tw[fill[v]] = weights[i];
                }
                tt[fill[v]++] = u;
            }
        }
        for (int u = 0; u < nodeCount; u++) {
            if (count[u + 1] - count[u] != offsets[u + 1] - offsets[u]) {
                throw new IllegalArgumentException("undirected graph is not symmetric: node " + u + " has "
                        + (offsets[u + 1] - offsets[u]) + " out-arcs but " + (count[u + 1] - count[u]) + " in-arcs");
            }
        }
        // the transpose's rows are in ascending source order already; sort weights within equal targets
        Graph transposed = new Graph(nodeCount, count, tt, tw);
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] != transposed.targets[i] || (weights != null && weights[i] != transposed.weights[i])) {
                int u = rowOf(i);
                throw new IllegalArgumentException("undirected graph is not symmetric: arc " + u + " -> " + targets[i]
                        + (weights != null ? " (weight " + weights[i] + ")" : "") + " has no matching reverse arc");
            }
        }
    }

    /** Internal: a directed, unvalidated graph holding a transpose for the symmetry check. */
    private Graph(int nodeCount, int[] offsets, int[] targets, double[] weights) {
        this.nodeCount = nodeCount;
        this.directed = true;
        this.offsets = offsets;
        this.targets = targets;
        this.weights = weights;
        this.labels = null;
        this.names = Collections.emptyList();
        this.labelNames = null;
        sortRows();
    }

    /** Internal: the same, validated graph with other label names. */
    private Graph(Graph g, List<String> labelNames) {
        this.nodeCount = g.nodeCount;
        this.directed = g.directed;
        this.offsets = g.offsets;
        this.targets = g.targets;
        this.weights = g.weights;
        this.labels = g.labels;
        this.names = g.names;
        this.labelNames = labelNames;
    }

    private int rowOf(int arc) {
        int lo = 0;
        int hi = nodeCount - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (offsets[mid] <= arc) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Graph g && nodeCount == g.nodeCount && directed == g.directed
                && Arrays.equals(offsets, g.offsets) && Arrays.equals(targets, g.targets)
                && Arrays.equals(weights, g.weights) && Arrays.equals(labels, g.labels)
                && java.util.Objects.equals(names, g.names) && java.util.Objects.equals(labelNames, g.labelNames);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(targets) * 31 + nodeCount;
    }

    @Override
    public String toString() {
        return "Graph[" + nodeCount + " nodes, " + edgeCount() + (directed ? " arcs" : " edges")
                + (weights != null ? ", weighted" : "") + (labels != null ? ", labelled" : "") + "]";
    }
}
