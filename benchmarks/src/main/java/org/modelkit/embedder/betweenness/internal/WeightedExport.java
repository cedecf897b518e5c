package org.modelkit.embedder.betweenness.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.modelkit.api.progress.Progress;
import org.modelkit.io.GraphTool;

/**
 * For the weighted-betweenness peer check ({@code benchmarks/betweenness/weighted}): reads each
 * graph-tool file with its edge property as weights, prepares it as the embedder does (symmetrised,
 * no self-loops, parallel edges merged with weights summed), and writes {@code NAME.wedges}
 * ({@code u v weight}, the weight in Java's shortest round-trip decimal form, so Python reads the same
 * double) and {@code NAME.modelkit} (raw weighted edge betweenness per edge, same order, and the
 * seconds it took on 2 threads, best of 2 runs after a warm-up).
 * Usage: {@code java WeightedExport OUTDIR file.gt.gz:property ...}.
 */
public final class WeightedExport {
    private WeightedExport() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        for (int i = 1; i < args.length; i++) {
            String[] spec = args[i].split(":");
            Path file = Path.of(spec[0]);
            String name = file.getFileName().toString().replace(".gt.gz", "");
            SimpleGraph g = SimpleGraph.of(GraphTool.read(file, null, spec[1]).graph());
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve(name + ".wedges")))) {
                w.println("# " + name + ": " + g.n + " nodes, " + g.m + " edges, weights from '" + spec[1] + "' " + g.treatment());
                w.println(g.n);
                for (int e = 0; e < g.m; e++) {
                    w.println(g.eu[e] + " " + g.ev[e] + " " + Double.toString(g.weight[e]));
                }
            }
            EdgeBetweenness.exact(g, true, 2, Progress.NONE); // warm-up
            double best = Double.POSITIVE_INFINITY;
            double[] b = null;
            for (int r = 0; r < 2; r++) {
                long t0 = System.nanoTime();
                b = EdgeBetweenness.exact(g, true, 2, Progress.NONE).values();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            double pairs = g.n * (g.n - 1) / 2.0;
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve(name + ".modelkit")))) {
                w.println(best);
                for (double v : b) {
                    w.println(Double.toString(v * pairs));
                }
            }
            System.out.printf("%s: %d nodes, %d edges, Modelkit %.3f s%n", name, g.n, g.m, best);
        }
    }
}
