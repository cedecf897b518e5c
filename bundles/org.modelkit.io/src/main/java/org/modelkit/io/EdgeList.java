package org.modelkit.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.modelkit.api.data.Graph;

/**
 * Edge lists: one edge per line, {@code u v} or {@code u v weight}, separated by spaces, tabs or a
 * comma; lines starting with '#' or '%' are comments. Node ids are arbitrary tokens and become the
 * graph's node names. If every id is an integer, nodes are numbered in ascending numeric order;
 * otherwise in order of first appearance. Nodes that appear in no edge cannot be represented.
 * Self-loops and repeated edges are kept as they are (the graph reports them; methods decide).
 */
public final class EdgeList {
    private static final Pattern SEP = Pattern.compile("[,\\s]+");

    private EdgeList() {
    }

    /**
     * Reads an edge list.
     *
     * @param path     the file, plain or gzip
     * @param directed whether the edges are directed
     * @return the graph with node names
     * @throws FormatException if a line has other than 2 or 3 fields, some lines have weights and
     *                         others not, a weight is not a positive finite number, or there are no edges
     * @throws IOException     if the file cannot be read
     */
    public static Graph read(Path path, boolean directed) throws IOException {
        List<String> src = new ArrayList<>();
        List<String> dst = new ArrayList<>();
        List<Double> w = new ArrayList<>();
        int fields = -1;
        try (BufferedReader r = Csv.reader(path)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#") || t.startsWith("%")) {
                    continue;
                }
                String[] f = SEP.split(t);
                if (f.length != 2 && f.length != 3) {
                    throw new FormatException(path, "line " + lineNo + " has " + f.length
                            + " fields; expected 'u v' or 'u v weight'");
                }
                if (fields < 0) {
                    fields = f.length;
                } else if (f.length != fields) {
                    throw new FormatException(path, "line " + lineNo + " has " + f.length + " fields but earlier edges have "
                            + fields + "; either every edge has a weight or none has");
                }
                src.add(f[0]);
                dst.add(f[1]);
                if (f.length == 3) {
                    double v;
                    try {
                        v = Double.parseDouble(f[2]);
                    } catch (NumberFormatException e) {
                        throw new FormatException(path, "line " + lineNo + ": weight '" + Csv.abbreviate(f[2])
                                + "' is not a number");
                    }
                    if (!(Double.isFinite(v) && v > 0)) {
                        throw new FormatException(path, "line " + lineNo + ": weight " + f[2] + " must be finite and positive");
                    }
                    w.add(v);
                }
            }
        }
        if (src.isEmpty()) {
            throw new FormatException(path, "no edges");
        }
        List<String> names = nodeOrder(src, dst);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        int[] s = new int[src.size()];
        int[] d = new int[src.size()];
        double[] weights = fields == 3 ? new double[src.size()] : null;
        for (int e = 0; e < s.length; e++) {
            s[e] = index.get(src.get(e));
            d[e] = index.get(dst.get(e));
            if (weights != null) {
                weights[e] = w.get(e);
            }
        }
        return Graph.fromEdges(names.size(), s, d, weights, directed).withNodeData(null, names);
    }

    private static List<String> nodeOrder(List<String> src, List<String> dst) {
        LinkedHashMap<String, Boolean> seen = new LinkedHashMap<>();
        boolean allInts = true;
        for (int e = 0; e < src.size(); e++) {
            for (String id : new String[] {src.get(e), dst.get(e)}) {
                if (seen.putIfAbsent(id, Boolean.TRUE) == null && allInts) {
                    allInts = id.matches("-?\\d{1,18}");
                }
            }
        }
        List<String> names = new ArrayList<>(seen.keySet());
        if (allInts) {
            names.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        }
        return names;
    }

    /**
     * Adds node labels from a file of {@code node label} lines ('#' comments allowed). Labels that are
     * all non-negative integers are used as they are; otherwise distinct label strings are numbered
     * in order of first appearance.
     *
     * @param graph  a graph with node names (as read by {@link #read})
     * @param labels the label file
     * @return the graph with labels
     * @throws FormatException if a line is malformed, names a node the graph lacks, or a node is
     *                         labelled twice or not at all
     * @throws IOException     if the file cannot be read
     */
    public static Graph withLabels(Graph graph, Path labels) throws IOException {
        List<String> names = graph.names();
        if (names == null) {
            throw new IllegalArgumentException("the graph has no node names to match labels against");
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        String[] raw = new String[names.size()];
        try (BufferedReader r = Csv.reader(labels)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] f = SEP.split(t, 2);
                if (f.length != 2) {
                    throw new FormatException(labels, "line " + lineNo + " must be 'node label'");
                }
                Integer u = index.get(f[0]);
                if (u == null) {
                    throw new FormatException(labels, "line " + lineNo + ": node '" + Csv.abbreviate(f[0])
                            + "' is not in the graph");
                }
                if (raw[u] != null) {
                    throw new FormatException(labels, "line " + lineNo + ": node '" + f[0] + "' is labelled twice");
                }
                raw[u] = f[1].strip();
            }
        }
        for (int u = 0; u < raw.length; u++) {
            if (raw[u] == null) {
                throw new FormatException(labels, "node '" + names.get(u) + "' has no label");
            }
        }
        return withLabels(graph, raw, names);
    }

    /**
     * The graph with labels from strings: integers as they are if all are, otherwise numbered in
     * order of first appearance, the strings kept as the label names.
     */
    static Graph withLabels(Graph graph, String[] raw, List<String> names) {
        if (raw == null) {
            return graph.withNodeData(null, names);
        }
        Graph g = graph.withNodeData(numberLabels(raw), names);
        if (Arrays.stream(raw).allMatch(s -> s.matches("\\d{1,9}"))) {
            return g;
        }
        return g.withLabelNames(new ArrayList<>(new java.util.LinkedHashSet<>(Arrays.asList(raw))));
    }

    static int[] numberLabels(String[] raw) {
        int[] out = new int[raw.length];
        boolean ints = true;
        for (String s : raw) {
            ints &= s.matches("\\d{1,9}");
        }
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (int u = 0; u < raw.length; u++) {
            out[u] = ints ? Integer.parseInt(raw[u]) : ids.computeIfAbsent(raw[u], k -> ids.size());
        }
        return out;
    }

    /**
     * Writes the graph's edges atomically, one per line, with node names if it has them and a weight
     * column if it is weighted.
     *
     * @param path  the file
     * @param graph the graph
     * @throws IOException if writing fails; the file is then as it was
     */
    public static void write(Path path, Graph graph) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(graph).append('\n');
        List<String> names = graph.names();
        int[] off = graph.offsets();
        int[] tgt = graph.targets();
        double[] w = graph.weights();
        for (int u = 0; u < graph.nodeCount(); u++) {
            for (int i = off[u]; i < off[u + 1]; i++) {
                int v = tgt[i];
                if (!graph.directed() && v < u) {
                    continue;
                }
                sb.append(names == null ? Integer.toString(u) : names.get(u)).append(' ')
                        .append(names == null ? Integer.toString(v) : names.get(v));
                if (graph.weighted()) {
                    sb.append(' ').append(w[i]);
                }
                sb.append('\n');
            }
        }
        AtomicFiles.writeString(path, sb.toString());
    }
}
