package org.modelkit.spark;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code JOB ARGS}: runs a Modelkit job on Spark. Under {@code spark-submit} the master is the cluster's; started
 * directly (spark/run without SPARK_HOME) it is {@code local[N]} with N = {@code modelkit.spark.cores} or all cores.
 * Jobs: {@code betweenness GRAPH OUT [options]} ({@link BetweennessJob}), {@code embed GRAPHS OUT [options]}
 * ({@link EmbedBatchJob}), {@code classify MODEL DATA OUT} and {@code flips OLD NEW DATA OUT} ({@link ClassifyJob}).
 * Exit status 2 for a bad command line, 1 for a failed job (its reason on stderr).
 */
public final class Main {
    private Main() {
    }

    static final String USAGE = "usage: spark/run betweenness GRAPH OUT [--weights PROPERTY] [--weighted-paths]"
            + " [--partitions N] [--samples K] [--seed S] [--embed D]\n"
            + "       spark/run embed GRAPHS OUT [--dimensions D] [--seed S] [--partitions N]\n" + ClassifyJob.USAGE
            .replace("usage: ", "       ");

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println(USAGE);
            System.exit(2);
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        Object[] parsed;
        try {
            parsed = switch (args[0]) {
                case "betweenness" -> BetweennessJob.parse(rest);
                case "embed" -> parseEmbed(rest);
                case "classify", "flips" -> ClassifyJob.parse(args[0], rest);
                default -> throw new IllegalArgumentException("unknown job '" + args[0] + "'\n" + USAGE);
            };
        } catch (IllegalArgumentException e) {
            System.err.println("modelkit-spark: " + e.getMessage());
            System.exit(2);
            return;
        }
        SparkConf conf = new SparkConf().setAppName("modelkit " + args[0]);
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[" + Integer.getInteger("modelkit.spark.cores",
                    Runtime.getRuntime().availableProcessors()) + "]");
        }
        int status = 0;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            long t0 = System.nanoTime();
            if (args[0].equals("betweenness")) {
                BetweennessJob.Options o = (BetweennessJob.Options) parsed[0];
                Path out = (Path) parsed[1];
                BetweennessJob.Result r = BetweennessJob.run(sc, o);
                BetweennessJob.write(r, out);
                System.out.printf(Locale.ROOT, "betweenness of %s: %,d nodes, %,d edges, %s over %,d sources in %.2f s"
                        + " on %s; wrote %s%n", o.graph(), r.kernel().nodes(), r.kernel().edges(),
                        r.betweenness().exact() ? "exact" : "sampled (95 % error bound " + r.betweenness().errorBound()
                                + ")", r.betweenness().sources(), r.seconds(), sc.master(), out);
            } else if (args[0].equals("classify") || args[0].equals("flips")) {
                ClassifyJob.Options o = (ClassifyJob.Options) parsed[0];
                Path out = (Path) parsed[1];
                ClassifyJob.Result r = ClassifyJob.run(sc, o, out);
                String what = r.flips() == null
                        ? r.correct() < 0 ? "no labels" : String.format(Locale.ROOT, "accuracy %.4f", r.accuracy())
                        : String.format(Locale.ROOT, "NFR %.2f %% (%d), accuracy %.4f -> %.4f",
                                100 * r.flips().negativeFlipRate(), Math.round(r.flips().negativeFlipRate() * r.samples()),
                                r.flips().referenceAccuracy(), r.flips().newAccuracy());
                System.out.printf(Locale.ROOT, "%s %s: %,d images of %s, %s, on %s in %d partitions, %d model loads,"
                        + " %.2f s on %s; wrote %s%n", args[0], o.models(), r.samples(), o.data(), what, r.backend(),
                        r.partitions(), r.loads(), r.seconds(), sc.master(), out);
            } else {
                Path in = (Path) parsed[0];
                Path out = (Path) parsed[1];
                int[] n = (int[]) parsed[2];
                List<EmbedBatchJob.Done> done = EmbedBatchJob.run(sc, in, out, n[0], n[1], n[2]);
                System.out.printf(Locale.ROOT, "embedded %d graphs of %s in %.2f s on %s; wrote %s (one CSV per graph,"
                        + " graphs.csv)%n", done.size(), in, (System.nanoTime() - t0) / 1e9, sc.master(), out);
            }
        } catch (Exception e) {
            // a bad input named by the driver, or a task's failure after Spark's retries (Spark's message carries the
            // task's exception, which names the file)
            Throwable c = e;
            while (c.getCause() != null) {
                c = c.getCause();
            }
            System.err.println("modelkit-spark: " + (c.getMessage() != null ? c.getMessage() : c.toString()));
            status = 1;
        }
        System.exit(status);
    }

    private static Object[] parseEmbed(List<String> args) {
        Args a = Args.parse("embed", args, 2, java.util.Set.of("--dimensions", "--seed", "--partitions"), java.util.Set.of(),
                USAGE);
        return new Object[] {Path.of(a.positional(0)), Path.of(a.positional(1)),
            new int[] {a.integer("--dimensions", 16), a.integer("--seed", 42), a.integer("--partitions", 0)}};
    }
}
