package org.modelkit.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.modelkit.api.data.Graph;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.embed.Embedding;
import org.modelkit.embedder.betweenness.internal.BrandesKernel;
import org.modelkit.io.Csv;
import org.modelkit.io.GraphFiles;

/**
 * The paper's embedding of many graphs on Spark: the graph files of a folder are split into partitions, each task
 * reads its graphs and embeds them one after the other ({@link BrandesKernel#embedWhole}: what {@code modelkit:embed}
 * with the default configuration computes) and writes each embedding as {@code OUT/NAME.csv} (node, name, x0...;
 * each file atomic), and the driver writes {@code OUT/graphs.csv} (graph, nodes, edges, seconds) once every graph is
 * done. GRAPHS and OUT must be paths every executor sees (a shared file system, or local mode).
 */
public final class EmbedBatchJob {
    private EmbedBatchJob() {
    }

    /** One graph's figures. */
    public record Done(String graph, int nodes, int edges, double seconds) implements java.io.Serializable {
    }

    /**
     * @param folder a folder of graph files (.gt, .gt.gz, .gml, .gml.gz, .edges, .txt)
     * @return its graph files, sorted by name
     * @throws IOException if the folder cannot be listed
     */
    public static List<Path> graphs(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("GRAPHS '" + folder + "' is not a folder");
        }
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> files = s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return Files.isRegularFile(p) && (n.endsWith(".gt") || n.endsWith(".gt.gz") || n.endsWith(".gml")
                        || n.endsWith(".gml.gz") || n.endsWith(".edges") || n.endsWith(".txt"));
            }).sorted().toList();
            if (files.isEmpty()) {
                throw new IllegalArgumentException("GRAPHS '" + folder + "' holds no graph files (.gt, .gt.gz, .gml,"
                        + " .gml.gz, .edges, .txt)");
            }
            return files;
        }
    }

    /**
     * @param files graph files
     * @return the names their embeddings are written under (NAME.csv): each file's name without its graph extension,
     *         or with it where two files would share one (karate.gml and karate.gt.gz)
     */
    public static List<String> names(List<Path> files) {
        List<String> shortNames = files.stream().map(f -> f.getFileName().toString()
                .replaceFirst("(?i)\\.(gt|gt\\.gz|gml|gml\\.gz|edges|txt)$", "")).toList();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String n = shortNames.get(i);
            out.add(java.util.Collections.frequency(shortNames, n) > 1 || n.equals("graphs")
                    ? files.get(i).getFileName().toString() : n);
        }
        return out;
    }

    /**
     * Runs the job.
     *
     * @param sc         the Spark context
     * @param folder     the graphs' folder
     * @param out        the output folder (created)
     * @param dimensions the embeddings' dimensions
     * @param seed       the embedder's seed
     * @param partitions how many partitions (0: Spark's default parallelism)
     * @return each graph's figures, in file-name order
     * @throws IOException if the folder cannot be listed or OUT made
     */
    public static List<Done> run(JavaSparkContext sc, Path folder, Path out, int dimensions, long seed, int partitions)
            throws IOException {
        if (dimensions < 1) {
            throw new IllegalArgumentException("--dimensions " + dimensions + " must be at least 1");
        }
        List<Path> paths = graphs(folder);
        List<String> outputs = names(paths);
        List<String> files = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            files.add(paths.get(i).toAbsolutePath() + "\n" + outputs.get(i)); // the file and its output's name
        }
        Files.createDirectories(out);
        String outDir = out.toAbsolutePath().toString();
        int threads = Integer.parseInt(sc.getConf().get("spark.task.cpus", "1"));
        int parts = Math.min(partitions == 0 ? sc.defaultParallelism() : partitions, files.size());
        List<Done> done = sc.parallelize(files, parts).map(job -> {
            long t0 = System.nanoTime();
            Path file = Path.of(job.substring(0, job.indexOf('\n')));
            String name = job.substring(job.indexOf('\n') + 1);
            Graph g = GraphFiles.read(file, null, null, null, false);
            Embedding e;
            try {
                e = BrandesKernel.embedWhole(g, dimensions, seed, threads);
            } catch (IllegalArgumentException x) {
                throw new IllegalArgumentException(file + ": " + x.getMessage(), x);
            }
            writeNodes(Path.of(outDir, name + ".csv"), g, e.nodes());
            double seconds = (System.nanoTime() - t0) / 1e9;
            TaskContext task = TaskContext.get();
            System.err.printf(Locale.ROOT, "modelkit embed: %s (%,d nodes) in %.2f s, partition %d%n", name,
                    g.nodeCount(), seconds, task == null ? -1 : task.partitionId());
            return new Done(name, g.nodeCount(), g.edgeCount(), seconds);
        }).collect();
        List<List<?>> rows = new ArrayList<>();
        for (Done d : done) {
            rows.add(List.of(d.graph(), d.nodes(), d.edges(), d.seconds()));
        }
        Csv.writeRows(out.resolve("graphs.csv"), List.of("graph", "nodes", "edges", "seconds"), rows);
        return done;
    }

    /** Writes node, name, x0.. as modelkit:embed's node file has them (without its label column). */
    static void writeNodes(Path file, Graph g, Tensor x) throws IOException {
        List<String> header = new ArrayList<>(List.of("node", "name"));
        for (int j = 0; j < x.dim(1); j++) {
            header.add("x" + j);
        }
        List<List<?>> rows = new ArrayList<>();
        for (int n = 0; n < x.dim(0); n++) {
            List<Object> row = new ArrayList<>(List.of(n, g.names() == null ? Integer.toString(n) : g.names().get(n)));
            for (float f : x.row(n)) {
                row.add(f);
            }
            rows.add(row);
        }
        Csv.writeRows(file, header, rows);
    }
}
