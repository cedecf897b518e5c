package org.modelkit.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.modelkit.api.data.Graph;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.embed.Embedding;
import org.modelkit.embedder.betweenness.internal.BrandesKernel;
import org.modelkit.embedder.betweenness.internal.EdgeBetweenness;
import org.modelkit.io.AtomicFiles;
import org.modelkit.io.Csv;
import org.modelkit.io.GraphFiles;
import org.modelkit.io.ResultFolders;

/**
 * Exact (or sampled) edge betweenness of one large graph on Spark: Brandes' per-source contributions are independent,
 * so the driver reads the graph, prepares it once (the embedder's treatment) and broadcasts it; the sources are split
 * into partitions, each task runs the embedder's own kernel over its sources ({@link BrandesKernel#sum}, with
 * {@code spark.task.cpus} worker threads), and the per-edge sums are added up with a tree reduction. The normalised
 * values are written as {@code betweenness.csv} (source node, target node, betweenness), and with {@code --embed D}
 * the paper's embedding is computed from them on the driver and written beside as {@code embedding.csv}; both as one
 * result folder.
 */
public final class BetweennessJob {
    /**
     * A Spark setting (or the context's local property) for tests: fail the first attempt of this partition's task
     * (Spark retries it).
     */
    public static final String FAIL_ONCE = "spark.modelkit.test.failOnce";

    private BetweennessJob() {
    }

    /**
     * What to compute.
     *
     * @param graph         the graph file (edge list, GML or graph-tool, as modelkit:embed reads it)
     * @param weights       a .gt edge property holding weights, or null
     * @param weightedPaths whether shortest paths use the weights as lengths
     * @param partitions    how many partitions the sources are split into; 0 for Spark's default parallelism
     * @param samples       0 for exact betweenness, else how many sampled sources
     * @param seed          for the sampled sources and the embedding's start vectors
     * @param embed         0, or the embedding's dimensions
     */
    public record Options(Path graph, String weights, boolean weightedPaths, int partitions, int samples, long seed,
            int embed) {
        public Options {
            if (partitions < 0) {
                throw new IllegalArgumentException("--partitions " + partitions + " must be positive (or 0: Spark's"
                        + " default parallelism)");
            }
            if (samples < 0) {
                throw new IllegalArgumentException("--samples " + samples + " must be 0 (exact) or positive");
            }
            if (embed < 0) {
                throw new IllegalArgumentException("--embed " + embed + " must be 0 (none) or positive");
            }
        }
    }

    /**
     * What came out.
     *
     * @param graph       the graph as read
     * @param kernel      the prepared graph (its edge order is the values' order)
     * @param betweenness the normalised betweenness
     * @param embedding   the embedding, or null
     * @param seconds     wall time of the distributed part
     */
    public record Result(Graph graph, BrandesKernel kernel, EdgeBetweenness.Result betweenness, Embedding embedding,
            double seconds) {
    }

    /**
     * Runs the job.
     *
     * @param sc the Spark context
     * @param o  the options
     * @return the result
     * @throws IOException if the graph cannot be read (a malformed file: named, with its line)
     */
    public static Result run(JavaSparkContext sc, Options o) throws IOException {
        // read and check on the driver, before any partition runs: a malformed file fails the job here
        Graph graph = GraphFiles.read(o.graph(), null, null, o.weights(), false);
        BrandesKernel kernel = BrandesKernel.of(graph, o.weightedPaths());
        int[] sources;
        if (o.samples() == 0 || o.samples() >= kernel.nodes()) {
            sources = new int[kernel.nodes()];
            for (int i = 0; i < sources.length; i++) {
                sources[i] = i;
            }
        } else {
            sources = kernel.sampledSources(o.samples(), o.seed());
        }
        // in a seeded random order: node ids often follow the graph's making (a crawl, a growth process), so
        // contiguous id ranges would give some partitions far costlier sources than others and leave cores idle at
        // the end; shuffled, every partition gets a like mix (the sum is the same, up to rounding)
        int[] order = sources.clone();
        java.util.Random random = new java.util.Random(o.seed());
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<Integer> list = new ArrayList<>(order.length);
        for (int s : order) {
            list.add(s);
        }
        int threads = Integer.parseInt(sc.getConf().get("spark.task.cpus", "1"));
        String fail = sc.getLocalProperty(FAIL_ONCE);
        int failOnce = Integer.parseInt(fail != null ? fail : sc.getConf().get(FAIL_ONCE, "-1"));
        int partitions = Math.min(o.partitions() == 0 ? sc.defaultParallelism() : o.partitions(), sources.length);
        long t0 = System.nanoTime();
        Broadcast<BrandesKernel> shared = sc.broadcast(kernel);
        try {
            JavaRDD<Integer> rdd = sc.parallelize(list, partitions);
            double[] sum = rdd.mapPartitions((Iterator<Integer> it) -> {
                TaskContext task = TaskContext.get();
                if (task != null && task.partitionId() == failOnce && task.attemptNumber() == 0) {
                    throw new IllegalStateException("injected failure of partition " + failOnce + " (" + FAIL_ONCE
                            + "), first attempt");
                }
                int[] mine = new int[64];
                int k = 0;
                while (it.hasNext()) {
                    if (k == mine.length) {
                        mine = java.util.Arrays.copyOf(mine, 2 * k);
                    }
                    mine[k++] = it.next();
                }
                long start = System.nanoTime();
                double[] part = shared.value().sum(java.util.Arrays.copyOf(mine, k), threads);
                System.err.printf(Locale.ROOT, "modelkit betweenness: partition %d of %d: %,d sources in %.2f s%n",
                        task == null ? -1 : task.partitionId(), partitions, k, (System.nanoTime() - start) / 1e9);
                return List.of(part).iterator();
            }).treeReduce((a, b) -> {
                for (int e = 0; e < a.length; e++) {
                    a[e] += b[e];
                }
                return a;
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            EdgeBetweenness.Result b = sources.length == kernel.nodes() ? kernel.exact(sum)
                    : kernel.sampled(sum, sources.length);
            Embedding embedding = o.embed() == 0 ? null
                    : kernel.embed(graph, b, o.embed(), o.seed(), Math.max(1, Runtime.getRuntime().availableProcessors()));
            return new Result(graph, kernel, b, embedding, seconds);
        } finally {
            shared.destroy();
        }
    }

    /**
     * Writes the result. OUT ending in {@code .csv} is the betweenness as one CSV file (source node, target node,
     * betweenness), with an embedding {@code NAME-embedding.csv} beside it, the two written as a pair; any other OUT is
     * a result folder holding {@code betweenness.csv} and {@code embedding.csv}, replaced as a whole.
     *
     * @param r   the result
     * @param out the file or folder
     * @throws IOException if it cannot be written (what was there stays)
     */
    public static void write(Result r, Path out) throws IOException {
        List<String> names = r.graph().names();
        List<List<?>> rows = new ArrayList<>();
        double[] v = r.betweenness().values();
        for (int e = 0; e < v.length; e++) {
            int[] uv = r.kernel().edge(e);
            rows.add(List.of(name(names, uv[0]), name(names, uv[1]), v[e]));
        }
        List<String> header = List.of("source", "target", "betweenness");
        List<String> embeddingHeader = new ArrayList<>(List.of("node", "name"));
        List<List<?>> nodes = new ArrayList<>();
        if (r.embedding() != null) {
            Tensor x = r.embedding().nodes();
            for (int j = 0; j < x.dim(1); j++) {
                embeddingHeader.add("x" + j);
            }
            for (int n = 0; n < x.dim(0); n++) {
                List<Object> row = new ArrayList<>(List.of(n, name(names, n)));
                for (float f : x.row(n)) {
                    row.add(f);
                }
                nodes.add(row);
            }
        }
        String file = out.getFileName().toString();
        if (file.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            if (Files.isDirectory(out)) {
                throw new IllegalArgumentException("OUT '" + out + "' ends in .csv but is a folder");
            }
            if (r.embedding() == null) {
                Csv.writeRows(out, header, rows);
                return;
            }
            Path embedding = out.resolveSibling(file.substring(0, file.length() - 4) + "-embedding.csv");
            java.util.Map<Path, AtomicFiles.Writer> pair = new java.util.LinkedHashMap<>();
            pair.put(out, s -> s.write(Csv.format(header, rows).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            pair.put(embedding, s -> s.write(Csv.format(embeddingHeader, nodes)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            AtomicFiles.writeAll(pair);
            return;
        }
        ResultFolders.write(out, dir -> {
            Csv.writeRows(dir.resolve("betweenness.csv"), header, rows);
            if (r.embedding() != null) {
                Csv.writeRows(dir.resolve("embedding.csv"), embeddingHeader, nodes);
            }
        });
    }

    private static String name(List<String> names, int node) {
        return names == null ? Integer.toString(node) : names.get(node);
    }

    /**
     * @param args GRAPH OUT [--weights PROPERTY] [--weighted-paths] [--partitions N] [--samples K] [--seed S]
     *             [--embed D]
     * @return the options and OUT
     */
    static Object[] parse(List<String> args) {
        Args a = Args.parse("betweenness", args, 2, Set.of("--weights", "--partitions", "--samples", "--seed", "--embed"),
                Set.of("--weighted-paths"), "usage: betweenness GRAPH OUT [--weights PROPERTY] [--weighted-paths]"
                        + " [--partitions N] [--samples K] [--seed S] [--embed D]");
        Path graph = Path.of(a.positional(0));
        if (!Files.isReadable(graph)) {
            throw new IllegalArgumentException("GRAPH '" + graph + "' is not a readable file");
        }
        return new Object[] {new Options(graph, a.string("--weights", null), a.flag("--weighted-paths"),
                a.integer("--partitions", 0), a.integer("--samples", 0), a.longValue("--seed", 42), a.integer("--embed", 0)),
            Path.of(a.positional(1))};
    }
}
