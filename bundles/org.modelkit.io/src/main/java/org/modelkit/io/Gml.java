package org.modelkit.io;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.modelkit.api.data.Graph;

/**
 * The Graph Modelling Language (GML) as written by igraph, networkx and Mark Newman's collection:
 * {@code graph [ directed 0 node [ id 1 label "a" ] edge [ source 1 target 2 weight 1.5 ] ]}.
 *
 * <p>Nodes need a unique integer {@code id}; their {@code label} (or the id) becomes the node name.
 * Edges need {@code source} and {@code target} ids of declared nodes. If every edge has a numeric
 * {@code weight} (or, failing that, {@code value}), the graph is weighted. Node labels come from a
 * node attribute chosen by the caller. Lines starting with '#' are comments. Self-loops and repeated
 * edges are kept.
 */
public final class Gml {
    private static final int MAX_DEPTH = 32;

    private Gml() {
    }

    /**
     * Reads a GML graph.
     *
     * @param path           the file, plain or gzip
     * @param labelAttribute the node attribute holding class labels (integers or strings, numbered in
     *                       order of first appearance), or null for none
     * @return the graph, with node names
     * @throws FormatException if the syntax is wrong (with the line), there is no graph, a node has no
     *                         or a duplicate id, an edge refers to an undeclared node, or a weight is not
     *                         positive
     * @throws IOException     if the file cannot be read
     */
    public static Graph read(Path path, String labelAttribute) throws IOException {
        List<Object[]> top;
        try (Reader r = Csv.reader(path)) {
            top = new Parser(path, r).list(0, false);
        }
        List<Object[]> graph = null;
        for (Object[] kv : top) {
            if (kv[0].equals("graph") && kv[1] instanceof List<?> l) {
                graph = cast(l);
            }
        }
        if (graph == null) {
            throw new FormatException(path, "no 'graph [ ... ]' block");
        }
        boolean directed = false;
        List<List<Object[]>> nodes = new ArrayList<>();
        List<List<Object[]>> edges = new ArrayList<>();
        for (Object[] kv : graph) {
            switch ((String) kv[0]) {
                case "directed" -> directed = kv[1] instanceof Number n && n.doubleValue() != 0;
                case "node" -> nodes.add(block(path, kv));
                case "edge" -> edges.add(block(path, kv));
                default -> { }
            }
        }
        Map<Long, Integer> index = new HashMap<>();
        List<String> names = new ArrayList<>();
        String[] rawLabels = labelAttribute == null ? null : new String[nodes.size()];
        for (int u = 0; u < nodes.size(); u++) {
            List<Object[]> n = nodes.get(u);
            Object id = get(n, "id");
            if (!(id instanceof Number num) || num.doubleValue() != Math.rint(num.doubleValue())) {
                throw new FormatException(path, "node " + (u + 1) + " has no integer id");
            }
            if (index.putIfAbsent(num.longValue(), u) != null) {
                throw new FormatException(path, "node id " + num.longValue() + " is declared twice");
            }
            Object label = get(n, "label");
            names.add(label != null ? label.toString() : Long.toString(num.longValue()));
            if (rawLabels != null) {
                Object a = get(n, labelAttribute);
                if (a == null) {
                    throw new FormatException(path, "node id " + num.longValue() + " has no '" + labelAttribute + "'");
                }
                rawLabels[u] = a instanceof Double d && d == Math.rint(d) ? Long.toString(d.longValue()) : a.toString();
            }
        }
        if (nodes.isEmpty()) {
            throw new FormatException(path, "the graph has no nodes");
        }
        String weightKey = edges.isEmpty() ? null : allNumeric(edges, "weight") ? "weight"
                : allNumeric(edges, "value") ? "value" : null;
        int[] s = new int[edges.size()];
        int[] t = new int[edges.size()];
        double[] w = weightKey == null ? null : new double[edges.size()];
        for (int e = 0; e < edges.size(); e++) {
            s[e] = endpoint(path, index, edges.get(e), "source", e);
            t[e] = endpoint(path, index, edges.get(e), "target", e);
            if (w != null) {
                w[e] = ((Number) get(edges.get(e), weightKey)).doubleValue();
                if (!(w[e] > 0 && Double.isFinite(w[e]))) {
                    throw new FormatException(path, "edge " + (e + 1) + " has " + weightKey + " " + w[e]
                            + "; weights must be finite and positive");
                }
            }
        }
        Graph g = Graph.fromEdges(nodes.size(), s, t, w, directed);
        return EdgeList.withLabels(g, rawLabels, names);
    }

    private static int endpoint(Path path, Map<Long, Integer> index, List<Object[]> edge, String key, int e)
            throws FormatException {
        Object v = get(edge, key);
        if (!(v instanceof Number n)) {
            throw new FormatException(path, "edge " + (e + 1) + " has no numeric " + key);
        }
        Integer u = index.get(n.longValue());
        if (u == null) {
            throw new FormatException(path, "edge " + (e + 1) + " refers to " + key + " " + n.longValue()
                    + ", which is not a declared node");
        }
        return u;
    }

    private static boolean allNumeric(List<List<Object[]>> blocks, String key) {
        for (List<Object[]> b : blocks) {
            if (!(get(b, key) instanceof Number)) {
                return false;
            }
        }
        return true;
    }

    private static Object get(List<Object[]> block, String key) {
        for (Object[] kv : block) {
            if (kv[0].equals(key)) {
                return kv[1];
            }
        }
        return null;
    }

    private static List<Object[]> block(Path path, Object[] kv) throws FormatException {
        if (!(kv[1] instanceof List<?> l)) {
            throw new FormatException(path, "'" + kv[0] + "' must be followed by [ ... ]");
        }
        return cast(l);
    }

    @SuppressWarnings("unchecked")
    private static List<Object[]> cast(List<?> l) {
        return (List<Object[]>) l;
    }

    /** A recursive-descent parser for GML's key-value lists, bounded in depth. */
    private static final class Parser {
        private final Path path;
        private final Reader in;
        private int line = 1;
        private int peeked = -2;

        Parser(Path path, Reader in) {
            this.path = path;
            this.in = in;
        }

        List<Object[]> list(int depth, boolean bracketed) throws IOException {
            if (depth > MAX_DEPTH) {
                throw new FormatException(path, "line " + line + ": lists nested deeper than " + MAX_DEPTH);
            }
            List<Object[]> out = new ArrayList<>();
            while (true) {
                skipSpace();
                int c = peek();
                if (c < 0) {
                    if (bracketed) {
                        throw new FormatException(path, "unexpected end of file: a '[' is not closed");
                    }
                    return out;
                }
                if (c == ']') {
                    if (!bracketed) {
                        throw new FormatException(path, "line " + line + ": ']' without a matching '['");
                    }
                    next();
                    return out;
                }
                String key = key();
                skipSpace();
                out.add(new Object[] {key, value(depth, key)});
            }
        }

        private String key() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c = peek();
            if (!Character.isLetter(c) && c != '_') {
                throw new FormatException(path, "line " + line + ": expected a key, found '" + (char) c + "'");
            }
            while ((c = peek()) >= 0 && (Character.isLetterOrDigit(c) || c == '_')) {
                sb.append((char) next());
            }
            return sb.toString();
        }

        private Object value(int depth, String key) throws IOException {
            int c = peek();
            if (c < 0) {
                throw new FormatException(path, "line " + line + ": key '" + key + "' has no value");
            }
            if (c == '[') {
                next();
                return list(depth + 1, true);
            }
            if (c == '"') {
                next();
                StringBuilder sb = new StringBuilder();
                int start = line;
                while ((c = next()) != '"') {
                    if (c < 0) {
                        throw new FormatException(path, "line " + start + ": string is not closed");
                    }
                    sb.append((char) c);
                }
                return sb.toString();
            }
            StringBuilder sb = new StringBuilder();
            while ((c = peek()) >= 0 && !Character.isWhitespace(c) && c != ']' && c != '[') {
                sb.append((char) next());
            }
            try {
                return Double.parseDouble(sb.toString());
            } catch (NumberFormatException e) {
                throw new FormatException(path, "line " + line + ": value of '" + key + "' is '"
                        + Csv.abbreviate(sb.toString()) + "', neither a number, a string nor a list");
            }
        }

        private void skipSpace() throws IOException {
            int c;
            while ((c = peek()) >= 0) {
                if (c == '#') {
                    while ((c = peek()) >= 0 && c != '\n') {
                        next();
                    }
                } else if (Character.isWhitespace(c)) {
                    next();
                } else {
                    return;
                }
            }
        }

        private int peek() throws IOException {
            if (peeked == -2) {
                try {
                    peeked = in.read();
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new FormatException(path, "line " + line + ": not UTF-8 text (" + e.getMessage() + ")");
                }
            }
            return peeked;
        }

        private int next() throws IOException {
            int c = peek();
            peeked = -2;
            if (c == '\n') {
                line++;
            }
            return c;
        }
    }
}
