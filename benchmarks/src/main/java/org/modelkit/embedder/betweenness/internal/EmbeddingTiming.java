package org.modelkit.embedder.betweenness.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.modelkit.api.data.Graph;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.progress.Progress;

/**
 * One round of the side-by-side embedding benchmark (benchmarks/betweenness/run --embedding): the whole
 * betweenness-spectral embedding of each graph, as EmbeddingBenchmark runs it (exact betweenness and the spectral
 * part on 2 threads, 48 eigenpairs per matrix, 16 energies), for at least 3 s to warm up and then {@code runs} times; writes
 * the times and the solver's products and restarts as JSON. Usage: java ... EmbeddingTiming OUT.json runs graph...
 */
public final class EmbeddingTiming {
    public static void main(String[] args) throws IOException {
        int runs = Integer.parseInt(args[1]);
        Pipelines.Settings s = new Pipelines.Settings("exact", 512, 10.0, false, 42, 2, 1000, 48, 1.0);
        StringBuilder json = new StringBuilder("{");
        for (int a = 2; a < args.length; a++) {
            Graph g = BenchGraphs.load(args[a]);
            // warm up for at least 3 s (one run on cond-mat, eight on polblogs): the JIT needs about that long to
            // compile the solver's loops, and a service runs warm (with a single warm-up run the first measured
            // polblogs runs took 0.37-0.41 s against 0.25-0.29 s later)
            Map<String, Double> d = null;
            long warm = System.nanoTime();
            do {
                d = Pipelines.betweennessSpectral(g, 16, s, Progress.NONE).diagnostics();
            } while (System.nanoTime() - warm < 3_000_000_000L);
            double[] t = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                Embedding e = Pipelines.betweennessSpectral(g, 16, s, Progress.NONE);
                t[r] = (System.nanoTime() - t0) / 1e9;
                d = e.diagnostics();
            }
            StringBuilder ts = new StringBuilder();
            for (double x : t) {
                ts.append(ts.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", x));
            }
            json.append(a == 2 ? "" : ",").append(String.format(Locale.ROOT,
                    "%n \"%s\": {\"runs\": [%s], \"betweenness_s\": %.4f, \"spectral_s\": %.4f, \"products_W\": %.0f,"
                            + " \"restarts_W\": %.0f, \"products_L\": %.0f, \"restarts_L\": %.0f}",
                    args[a], ts, d.get("seconds.betweenness"), d.get("seconds.spectral"),
                    d.getOrDefault("eigen.products.W", 0.0), d.getOrDefault("eigen.restarts.W", 0.0),
                    d.getOrDefault("eigen.products.L", 0.0), d.getOrDefault("eigen.restarts.L", 0.0)));
            System.err.printf(Locale.ROOT, "%s: Modelkit embedding %.3f s (last run)%n", args[a], t[runs - 1]);
        }
        Files.writeString(Path.of(args[0]), json.append("\n}\n").toString());
    }
}
