package org.modelkit.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.modelkit.api.data.Graph;

/**
 * graph-tool's binary "gt" format ({@code .gt}, or {@code .gt.gz} as in graph-tool's collection).
 *
 * <p>Layout: the magic bytes {@code E2 9B BE 20 67 74} ("⛾ gt"), a version byte (1), an endianness
 * byte (0 little, 1 big), a comment string, a directed flag, the vertex count N (uint64), then for
 * each vertex its out-neighbours (a uint64 count and the indices, each in the smallest unsigned type
 * that holds N: 1, 2, 4 or 8 bytes); an undirected edge is stored once. Then a uint64 count of
 * property maps, each a key type (0 graph, 1 vertex, 2 edge), a name, a value type (0 bool, 1 int16,
 * 2 int32, 3 int64, 4 double, 5 long double, 6 string, 7-13 vectors of those, 14 python object as a
 * string) and the values (one, N, or one per edge in the order of the adjacency lists). Strings and
 * vectors are a uint64 length followed by the elements.
 *
 * <p>Written by hand: no Java library reads this format.
 */
public final class GraphTool {
    private static final byte[] MAGIC = {(byte) 0xE2, (byte) 0x9B, (byte) 0xBE, 0x20, 0x67, 0x74};
    private static final String[] TYPES = {"bool", "int16", "int32", "int64", "double", "long double", "string",
        "vector<bool>", "vector<int16>", "vector<int32>", "vector<int64>", "vector<double>", "vector<long double>",
        "vector<string>", "python object"};
    private static final int[] WIDTH = {1, 2, 4, 8, 8, 16};

    private GraphTool() {
    }

    /**
     * A property map's name, what it is attached to, and its type.
     *
     * @param key  "graph", "vertex" or "edge"
     * @param name the property's name
     * @param type the value type, for example "int32" or "string"
     */
    public record Property(String key, String name, String type) {
        /** @return {@code value (vertex, int32)}, as error messages list the properties a file holds */
        @Override
        public String toString() {
            return name + " (" + key + ", " + type + ")";
        }
    }

    /**
     * The graph and the properties the file holds.
     *
     * @param graph      the graph: node names from a vertex property "label" or "name" holding strings
     *                   (if any), labels and weights as requested
     * @param properties every property map in the file
     */
    public record Content(Graph graph, List<Property> properties) {
    }

    /**
     * Reads a gt file.
     *
     * @param path           the file, plain or gzip
     * @param labelProperty  a vertex property to use as node labels (integers used as they are if all
     *                       non-negative, otherwise distinct values numbered in order of first
     *                       appearance), or null
     * @param weightProperty an edge property to use as weights (numeric, positive), or null
     * @return the graph and the list of properties
     * @throws FormatException if the magic, version or a type code is wrong, a count exceeds what the
     *                         file can hold, a neighbour index is out of range, the data is truncated,
     *                         or a requested property is missing, of the wrong type or (weights) not positive
     * @throws IOException     if the file cannot be read
     */
    public static Content read(Path path, String labelProperty, String weightProperty) throws IOException {
        try (InputStream in = Sources.open(path)) {
            Reader r = new Reader(in, path);
            byte[] magic = r.bytes(6, "the magic bytes");
            if (!Arrays.equals(magic, MAGIC)) {
                throw new FormatException(path, "bad magic bytes: a gt file starts with E2 9B BE 20 67 74");
            }
            int version = r.bytes(1, "the version")[0];
            if (version != 1) {
                throw new FormatException(path, "gt version " + version + " is not supported (only 1)");
            }
            int endian = r.bytes(1, "the endianness")[0];
            if (endian != 0 && endian != 1) {
                throw new FormatException(path, "endianness byte is " + endian + "; expected 0 (little) or 1 (big)");
            }
            r.order = endian == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            r.string("the comment");
            boolean directed = r.bytes(1, "the directed flag")[0] != 0;
            long nl = r.uint64("the vertex count");
            if (nl > Integer.MAX_VALUE - 8) {
                throw new FormatException(path, "vertex count " + nl + " is too large");
            }
            int n = (int) nl;
            // the smallest unsigned type holding every index 0..N-1 (graph-tool compares N with the type's maximum)
            int width = n <= 0xFF ? 1 : n <= 0xFFFF ? 2 : 4;
            int[] srcs = new int[(int) Math.min(4L * n + 16, 1 << 20)]; // long: 4n overflowed (fuzzing found it)
            int[] dsts = new int[srcs.length];
            int m = 0;
            for (int u = 0; u < n; u++) {
                long k = r.uint64("the neighbour count of vertex " + u);
                if (k > Integer.MAX_VALUE - 8 - (long) m) {
                    throw new FormatException(path, "vertex " + u + " declares " + k + " neighbours, too many");
                }
                for (long i = 0; i < k; i++) {
                    long v = r.index(width, "a neighbour of vertex " + u);
                    if (v >= n) {
                        throw new FormatException(path, "vertex " + u + " has neighbour " + v + ", but there are only "
                                + n + " vertices");
                    }
                    if (m == srcs.length) {
                        srcs = Arrays.copyOf(srcs, srcs.length * 2);
                        dsts = Arrays.copyOf(dsts, dsts.length * 2);
                    }
                    srcs[m] = u;
                    dsts[m++] = (int) v;
                }
            }
            long count = r.uint64("the number of property maps");
            List<Property> props = new ArrayList<>();
            Map<String, Object[]> vertexValues = new LinkedHashMap<>();
            Object[] weights = null;
            String weightType = null;
            for (long p = 0; p < count; p++) {
                int key = r.bytes(1, "a property key type")[0];
                if (key < 0 || key > 2) {
                    throw new FormatException(path, "property map " + p + " has key type " + key + "; expected 0, 1 or 2");
                }
                String name = r.string("a property name");
                int type = r.bytes(1, "the type of property '" + name + "'")[0];
                if (type < 0 || type >= TYPES.length) {
                    throw new FormatException(path, "property '" + name + "' has unknown value type " + type);
                }
                String keyName = key == 0 ? "graph" : key == 1 ? "vertex" : "edge";
                props.add(new Property(keyName, name, TYPES[type]));
                int values = key == 0 ? 1 : key == 1 ? n : m;
                boolean keep = (key == 1 && (name.equals(labelProperty) || name.equals("label") || name.equals("name")))
                        || (key == 2 && name.equals(weightProperty));
                Object[] vals = keep ? new Object[values] : null;
                for (int i = 0; i < values; i++) {
                    Object v = r.value(type, name);
                    if (vals != null) {
                        vals[i] = v;
                    }
                }
                if (key == 1 && vals != null) {
                    vertexValues.put(name, vals);
                }
                if (key == 2 && vals != null) {
                    weights = vals;
                    weightType = TYPES[type];
                }
            }
            if (in.read() >= 0) {
                throw new FormatException(path, "trailing data after the " + count + " property maps");
            }
            double[] w = null;
            if (weightProperty != null) {
                if (weights == null) {
                    throw new FormatException(path, "has no edge property '" + weightProperty + "'; properties: " + props);
                }
                w = new double[m];
                for (int e = 0; e < m; e++) {
                    if (!(weights[e] instanceof Number num)) {
                        throw new FormatException(path, "edge property '" + weightProperty + "' has type " + weightType
                                + "; weights must be numeric");
                    }
                    w[e] = num.doubleValue();
                    if (!(w[e] > 0 && Double.isFinite(w[e]))) {
                        throw new FormatException(path, "edge " + e + " (" + srcs[e] + ", " + dsts[e] + ") has "
                                + weightProperty + " " + w[e] + "; weights must be finite and positive");
                    }
                }
            }
            String[] raw = null;
            if (labelProperty != null) {
                Object[] lv = vertexValues.get(labelProperty);
                if (lv == null) {
                    throw new FormatException(path, "has no vertex property '" + labelProperty + "'; properties: " + props);
                }
                raw = new String[n];
                for (int u = 0; u < n; u++) {
                    raw[u] = lv[u] instanceof Double d && d == Math.rint(d) ? Long.toString(d.longValue()) : String.valueOf(lv[u]);
                }
            }
            List<String> names = null;
            for (String candidate : new String[] {"label", "name"}) {
                Object[] nv = vertexValues.get(candidate);
                if (names == null && nv != null && n > 0 && nv[0] instanceof String) {
                    names = Arrays.stream(nv).map(String::valueOf).toList();
                }
            }
            Graph g = Graph.fromEdges(n, Arrays.copyOf(srcs, m), Arrays.copyOf(dsts, m), w, directed);
            return new Content(EdgeList.withLabels(g, raw, names), props);
        }
    }

    /** Reads the primitive values of the format with the file's byte order, checking for truncation. */
    private static final class Reader {
        private final InputStream in;
        private final Path path;
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;

        Reader(InputStream in, Path path) {
            this.in = in;
            this.path = path;
        }

        byte[] bytes(long k, String what) throws IOException {
            return Sources.readExactly(in, k, path, what);
        }

        ByteBuffer buf(int k, String what) throws IOException {
            return ByteBuffer.wrap(bytes(k, what)).order(order);
        }

        long uint64(String what) throws IOException {
            long v = buf(8, what).getLong();
            if (v < 0) {
                throw new FormatException(path, what + " is larger than 2^63");
            }
            return v;
        }

        long index(int width, String what) throws IOException {
            ByteBuffer b = buf(width, what);
            return switch (width) {
                case 1 -> b.get() & 0xFFL;
                case 2 -> b.getShort() & 0xFFFFL;
                default -> b.getInt() & 0xFFFFFFFFL;
            };
        }

        String string(String what) throws IOException {
            long len = uint64("the length of " + what);
            return new String(bytes(len, what), StandardCharsets.UTF_8);
        }

        Object value(int type, String name) throws IOException {
            String what = "a value of property '" + name + "'";
            if (type == 6 || type == 14) {
                return string(what);
            }
            if (type < 6) {
                return scalar(type, what);
            }
            long len = uint64("the length of " + what);
            if (len > Integer.MAX_VALUE - 8) {
                throw new FormatException(path, what + " declares " + len + " elements");
            }
            List<Object> out = new ArrayList<>();
            for (long i = 0; i < len; i++) {
                out.add(type == 13 ? string(what) : scalar(type - 7, what));
            }
            return out;
        }

        private Object scalar(int type, String what) throws IOException {
            ByteBuffer b = buf(WIDTH[type], what);
            return switch (type) {
                case 0 -> (double) b.get();
                case 1 -> (double) b.getShort();
                case 2 -> (double) b.getInt();
                case 3 -> (double) b.getLong();
                case 4 -> b.getDouble();
                default -> longDouble(b);
            };
        }

        /** x87 80-bit extended precision stored in 16 bytes (the first 10 significant), as a double. */
        private double longDouble(ByteBuffer b) {
            byte[] raw = new byte[10];
            b.get(raw);
            if (order == ByteOrder.BIG_ENDIAN) {
                for (int i = 0; i < 5; i++) {
                    byte t = raw[i];
                    raw[i] = raw[9 - i];
                    raw[9 - i] = t;
                }
            }
            long mantissa = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            int se = (raw[9] & 0xFF) << 8 | (raw[8] & 0xFF);
            int exp = se & 0x7FFF;
            double sign = (se & 0x8000) != 0 ? -1 : 1;
            if (exp == 0 && mantissa == 0) {
                return 0.0 * sign;
            }
            double frac = (mantissa >>> 11) / (double) (1L << 52);
            return sign * frac * Math.pow(2, exp - 16383 + 1);
        }
    }
}
