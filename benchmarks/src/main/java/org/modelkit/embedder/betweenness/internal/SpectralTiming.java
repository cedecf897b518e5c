package org.modelkit.embedder.betweenness.internal;

import java.util.Arrays;
import java.util.Locale;
import org.modelkit.api.progress.Progress;

/**
 * The spectral part of the betweenness-spectral embedding on the benchmark graphs, solver against solver: the 48
 * eigenpairs of W_B of largest magnitude and of L of largest value, by the thick-restart {@link Lanczos} on the
 * whole matrix (the embedder's solver before the filter), by ARPACK's implicitly restarted Lanczos on the whole
 * matrix (dev.ludovic.netlib 3.0.3, pure Java) and by the embedder's solver now ({@link ComponentSpectra}: per
 * component, Chebyshev-filtered Lanczos for L). Prints a markdown table: time (median of 5 after a warm-up, the
 * solvers alternated, 2 threads), products with the matrix, restarts, the largest residual, and the largest eigenvalue difference from the
 * embedder's. Usage: java ... SpectralTiming graph...
 */
public final class SpectralTiming {
    public static void main(String[] args) {
        System.out.println("| graph | nodes | largest component | matrix | solver | time | products | restarts | max residual"
                + " | max abs. eigenvalue difference from the embedder's |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String name : args) {
            SimpleGraph g = SimpleGraph.of(BenchGraphs.load(name));
            EdgeBetweenness.Result b = EdgeBetweenness.exact(g, false, 2, Progress.NONE);
            SparseSym w = Pipelines.betweennessGraph(g, b.values(), 10.0);
            SparseSym l = w.normalizedLaplacian();
            int k = Math.min(48, (g.n - 1) / 2);
            int largest = largestComponent(g);
            for (String m : new String[] {"W", "L"}) {
                SparseSym a = m.equals("W") ? w : l;
                Lanczos.Which which = m.equals("W") ? Lanczos.Which.MAGNITUDE : Lanczos.Which.LARGEST;
                String[] names = {"Lanczos, whole matrix", "ARPACK, whole matrix",
                    m.equals("W") ? "embedder: per component" : "embedder: per component, filtered"};
                Lanczos.Result[] r = new Lanczos.Result[3];
                double[] ms = new double[3];
                // the solvers alternate within each round (machine noise falls on all alike); round 0 warms up
                double[][] t = new double[3][5];
                for (int rep = 0; rep < 6; rep++) {
                    for (int s = 0; s < 3; s++) {
                        long t0 = System.nanoTime();
                        r[s] = switch (s) {
                            case 0 -> Lanczos.solve(a, g.n, k, which, 1e-9, 42, 2, Progress.NONE);
                            case 1 -> Arpack.solve(a, g.n, k, which, 1e-9, 42, Progress.NONE);
                            default -> ComponentSpectra.solve(a, k, which, m.equals("L") ? 0.0 : Double.NaN, 1e-9, 42, 2,
                                    Progress.NONE);
                        };
                        if (rep > 0) {
                            t[s][rep - 1] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                }
                for (int s = 0; s < 3; s++) {
                    Arrays.sort(t[s]);
                    ms[s] = t[s][2];
                }
                for (int s = 0; s < 3; s++) {
                    double diff = 0;
                    for (int i = 0; i < k; i++) {
                        diff = Math.max(diff, Math.abs(r[s].eigen().values()[i] - r[2].eigen().values()[i]));
                    }
                    System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %s | %s | %.1f ms | %,d | %d | %.1e | %s |%n", name, g.n,
                            largest, m, names[s], ms[s], r[s].matvecs(), r[s].restarts(), r[s].maxResidual(),
                            s == 2 ? "-" : String.format(Locale.ROOT, "%.1e", diff));
                }
            }
        }
    }

    private static int largestComponent(SimpleGraph g) {
        int[] seen = new int[g.n];
        int[] queue = new int[g.n];
        int best = 0;
        for (int s = 0; s < g.n; s++) {
            if (seen[s] != 0) {
                continue;
            }
            int head = 0;
            int tail = 0;
            queue[tail++] = s;
            seen[s] = 1;
            while (head < tail) {
                int u = queue[head++];
                for (int e = g.off[u]; e < g.off[u + 1]; e++) {
                    if (seen[g.adj[e]] == 0) {
                        seen[g.adj[e]] = 1;
                        queue[tail++] = g.adj[e];
                    }
                }
            }
            best = Math.max(best, tail);
        }
        return best;
    }
}
