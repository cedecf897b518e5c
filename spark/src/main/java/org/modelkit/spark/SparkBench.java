package org.modelkit.spark;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.modelkit.api.data.Graph;
import org.modelkit.embedder.betweenness.internal.BrandesKernel;
import org.modelkit.io.GraphFiles;

/**
 * benchmarks/spark/run's driver: {@code SparkBench GRAPH CORES ROUNDS PARTITIONS} times the exact betweenness of
 * GRAPH through {@link BetweennessJob} on {@code local[CORES]} and through the kernel alone in this JVM with CORES
 * worker threads (the single-JVM path of {@code modelkit:embed}; both read and prepare the graph), alternated for
 * ROUNDS rounds after an unmeasured run of each over 200 sources, and prints one JSON line: the times, the median of the per-round ratios (Spark / single JVM), the
 * largest relative difference between the two results, and the kernel's cost per source and arc.
 *
 * <p>{@code SparkBench classify MODEL DATA CORES ROUNDS PARTITIONS BACKEND} times batch classification: the
 * {@link ClassifyJob} on {@code local[CORES]} (reading its ranges, the executor's cached model, writing its parts and
 * publishing the folder) against what {@code modelkit:classify} does in one JVM (read the labelled set, open the model on
 * the backend, classify all, close), both with the engine on CORES threads, alternated after one unmeasured run of each.
 */
public final class SparkBench {
    private SparkBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("classify")) {
            classify(args);
            return;
        }
        Path file = Path.of(args[0]);
        int cores = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int partitions = Integer.parseInt(args[3]);
        Graph g = GraphFiles.read(file, null, null, null, false);
        BrandesKernel kernel = BrandesKernel.of(g, false);
        int[] all = new int[kernel.nodes()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        double[] spark = new double[rounds];
        double[] single = new double[rounds];
        double worst = 0;
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[" + cores + "]")
                .setAppName("modelkit bench").set("spark.ui.enabled", "false"))) {
            sc.setLogLevel("WARN");
            BetweennessJob.Options o = new BetweennessJob.Options(file, null, false, partitions, 0, 42, 0);
            // warm-up of both paths on 200 sources (the JIT settles in seconds; a whole run of these graphs takes
            // a minute or two)
            BetweennessJob.run(sc, new BetweennessJob.Options(file, null, false, partitions, 200, 42, 0));
            kernel.sum(kernel.sampledSources(200, 42), cores);
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                BetweennessJob.Result res = BetweennessJob.run(sc, o);
                spark[r] = (System.nanoTime() - t0) / 1e9; // the job whole: graph read on the driver included
                long t1 = System.nanoTime();
                Graph again = GraphFiles.read(file, null, null, null, false); // as the job reads it
                BrandesKernel k = BrandesKernel.of(again, false);
                double[] ref = k.exact(k.sum(all, cores)).values();
                single[r] = (System.nanoTime() - t1) / 1e9;
                double[] got = res.betweenness().values();
                for (int e = 0; e < ref.length; e++) {
                    worst = Math.max(worst, Math.abs(got[e] - ref[e]) / Math.max(ref[e], Double.MIN_NORMAL));
                }
            }
        }
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratios[r] = spark[r] / single[r];
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        double median = rounds % 2 == 1 ? sorted[rounds / 2] : (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
        double medianSingle = medianOf(single);
        // seconds per source and arc visit, per core: the kernel's cost model for the on-paper cluster estimate
        double perSourceArc = medianSingle * cores / ((double) kernel.nodes() * (kernel.nodes() + 2.0 * kernel.edges()));
        System.out.printf(Locale.ROOT, "{\"graph\": \"%s\", \"nodes\": %d, \"edges\": %d, \"cores\": %d, \"partitions\": %d,"
                + " \"spark_s\": %s, \"single_s\": %s, \"ratios\": %s, \"median_ratio\": %.3f,"
                + " \"max_relative_difference\": %.2e, \"seconds_per_source_arc_core\": %.3e,"
                + " \"sources\": \"shuffled (seed 42)\"}%n",
                file.getFileName(), kernel.nodes(), kernel.edges(), cores, partitions, Arrays.toString(spark),
                Arrays.toString(single), Arrays.toString(ratios), median, worst, perSourceArc);
    }

    private static void classify(String[] args) throws Exception {
        Path model = Path.of(args[1]);
        Path data = Path.of(args[2]);
        int cores = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        int partitions = Integer.parseInt(args[5]);
        String engine = args[6];
        double[] spark = new double[rounds];
        double[] single = new double[rounds];
        long images = 0;
        double accuracy = 0;
        Path out = java.nio.file.Files.createTempDirectory("modelkit-bench").resolve("out");
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[" + cores + "]")
                .setAppName("modelkit bench").set("spark.ui.enabled", "false"))) {
            sc.setLogLevel("WARN");
            ClassifyJob.Options o = new ClassifyJob.Options(java.util.List.of(model), data, engine, partitions, false, cores);
            org.modelkit.compute.api.ComputeBackend b = ExecutorModels.backend(engine, cores);
            for (int r = -1; r < rounds; r++) { // round -1: the unmeasured warm-up of both
                long t0 = System.nanoTime();
                ClassifyJob.Result res = ClassifyJob.run(sc, o, out);
                double s = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                org.modelkit.api.data.LabelledSet set = org.modelkit.io.LabelledFiles.read(data);
                org.modelkit.api.classify.Classification c;
                try (org.modelkit.classifier.internal.OpenClassifier m =
                        org.modelkit.classifier.internal.OpenClassifier.open(model, b)) {
                    c = m.classify(set.features(), null);
                }
                double one = (System.nanoTime() - t1) / 1e9;
                if (Math.abs(c.accuracy(set.labels()) - res.accuracy()) > 1e-12) {
                    throw new IllegalStateException("the job's accuracy " + res.accuracy() + " differs from one JVM's "
                            + c.accuracy(set.labels()));
                }
                images = res.samples();
                accuracy = res.accuracy();
                if (r >= 0) {
                    spark[r] = s;
                    single[r] = one;
                }
            }
        }
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratios[r] = spark[r] / single[r];
        }
        System.out.printf(Locale.ROOT, "{\"job\": \"classify\", \"model\": \"%s\", \"data\": \"%s\", \"images\": %d,"
                + " \"backend\": \"%s\", \"cores\": %d, \"partitions\": %d, \"accuracy\": %.4f, \"spark_s\": %s,"
                + " \"single_s\": %s, \"ratios\": %s, \"median_ratio\": %.3f, \"images_per_s_spark\": %.0f,"
                + " \"images_per_s_single\": %.0f}%n", model, data.getFileName(), images, engine, cores, partitions, accuracy,
                Arrays.toString(spark), Arrays.toString(single), Arrays.toString(ratios), medianOf(ratios),
                images / medianOf(spark), images / medianOf(single));
    }

    private static double medianOf(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
