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
 * Jobs: {@code betweenness GRAPH OUT [options]} ({@link BetweennessJob}) and {@code embed GRAPHS OUT [options]}
 * ({@link EmbedBatchJob}). Exit status 2 for a bad command line, 1 for a failed job (its reason on stderr).
 */
public final class Main {
    private Main() {
    }

    static final String USAGE = "usage: spark/run betweenness GRAPH OUT [--weights PROPERTY] [--weighted-paths]"
            + " [--partitions N] [--samples K] [--seed S] [--embed D]\n"
            + "       spark/run embed GRAPHS OUT [--dimensions D] [--seed S] [--partitions N]";

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
        List<String> positional = new java.util.ArrayList<>();
        int dimensions = 16;
        int seed = 42;
        int partitions = 0;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--dimensions" -> dimensions = Integer.parseInt(next(args, ++i, a));
                case "--seed" -> seed = Integer.parseInt(next(args, ++i, a));
                case "--partitions" -> partitions = Integer.parseInt(next(args, ++i, a));
                default -> {
                    if (a.startsWith("--")) {
                        throw new IllegalArgumentException("embed: unknown option " + a);
                    }
                    positional.add(a);
                }
            }
        }
        if (positional.size() != 2) {
            throw new IllegalArgumentException(USAGE);
        }
        return new Object[] {Path.of(positional.get(0)), Path.of(positional.get(1)),
            new int[] {dimensions, seed, partitions}};
    }

    private static String next(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }
}
