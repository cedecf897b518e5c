package org.modelkit.embedder.betweenness.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.modelkit.api.progress.Progress;

/**
 * Extreme eigenpairs of a symmetric matrix on a graph's arcs, found component by component: the spectrum of a
 * block-diagonal matrix is the union of its blocks' spectra, so each connected component is solved on its own
 * (small ones densely, large ones by {@link Lanczos}) and the k wanted pairs are chosen from all of them.
 *
 * <p>This is what makes the result exact on disconnected graphs. A normalised Laplacian has the eigenvalue 2
 * once per bipartite component and 0 once per component, and the collection's graphs have dozens of small tree
 * components (netscience: all 48 largest eigenvalues of L are 2, as are hep-th's): a Krylov solver on the whole
 * matrix sees one copy of a repeated eigenvalue per start vector and returned eigenvalues 0.1 to 0.24 too low
 * there (scipy's ARPACK as well). Per component, repeated eigenvalues across components are found exactly, and
 * each Lanczos run works on fewer rows.
 */
final class ComponentSpectra {
    /** Components up to this size are solved densely (all eigenpairs). */
    static final int DENSE = 256;

    private ComponentSpectra() {
    }

    /**
     * @param a          the matrix
     * @param k          eigenpairs wanted, 1 ≤ k ≤ n
     * @param which      the end of the spectrum
     * @param lowerBound a lower bound of the spectrum for the filtered solver when {@code which} is LARGEST, or
     *                   NaN (plain Lanczos)
     * @param tol        Lanczos' relative residual tolerance
     * @param seed       Lanczos' start vectors
     * @param threads    Lanczos' orthogonalisation threads
     * @param progress   restarts reported, may cancel
     * @return the k eigenpairs, ascending; products and restarts summed over the components
     */
    static Lanczos.Result solve(SparseSym a, int k, Lanczos.Which which, double lowerBound, double tol, long seed,
            int threads, Progress progress) {
        SimpleGraph g = a.g;
        int n = g.n;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k = " + k + " eigenpairs requested of a matrix of size " + n);
        }
        int[] comp = new int[n];
        Arrays.fill(comp, -1);
        int[] order = new int[n];
        List<int[]> parts = new ArrayList<>();
        for (int s = 0, filled = 0; s < n; s++) {
            if (comp[s] >= 0) {
                continue;
            }
            int begin = filled;
            comp[s] = parts.size();
            order[filled++] = s;
            for (int head = begin; head < filled; head++) {
                int u = order[head];
                for (int e = g.off[u]; e < g.off[u + 1]; e++) {
                    int v = g.adj[e];
                    if (comp[v] < 0) {
                        comp[v] = parts.size();
                        order[filled++] = v;
                    }
                }
            }
            int[] nodes = Arrays.copyOfRange(order, begin, filled);
            Arrays.sort(nodes);
            parts.add(nodes);
        }
        int[] local = new int[n];
        List<double[]> values = new ArrayList<>(); // per candidate: value, component, column
        List<double[][]> vectors = new ArrayList<>(); // per component: its eigenvectors (rows = its nodes)
        double maxResidual = 0;
        int products = 0;
        int restarts = 0;
        for (int c = 0; c < parts.size(); c++) {
            int[] nodes = parts.get(c);
            int s = nodes.length;
            for (int i = 0; i < s; i++) {
                local[nodes[i]] = i;
            }
            // the component's block in CSR form
            int[] off = new int[s + 1];
            for (int i = 0; i < s; i++) {
                off[i + 1] = off[i] + g.off[nodes[i] + 1] - g.off[nodes[i]];
            }
            int[] adj = new int[off[s]];
            double[] val = new double[off[s]];
            double[] diag = new double[s];
            for (int i = 0; i < s; i++) {
                int u = nodes[i];
                diag[i] = a.diag[u];
                for (int e = g.off[u], p = off[i]; e < g.off[u + 1]; e++, p++) {
                    adj[p] = local[g.adj[e]];
                    val[p] = a.arcValue[e];
                }
            }
            Eigen eigen;
            int want = Math.min(k, s);
            if (s <= DENSE) {
                double[][] m = new double[s][s];
                for (int i = 0; i < s; i++) {
                    m[i][i] = diag[i];
                    for (int p = off[i]; p < off[i + 1]; p++) {
                        m[i][adj[p]] += val[p];
                    }
                }
                Eigen all = Eigen.dense(m);
                int[] top = Lanczos.pick(all.values(), want, which);
                Arrays.sort(top);
                eigen = all.select(top);
            } else {
                Lanczos.Operator op = (x, y) -> {
                    for (int i = 0; i < s; i++) {
                        double sum = diag[i] * x[i];
                        for (int p = off[i], end = off[i + 1]; p < end; p++) {
                            sum += val[p] * x[adj[p]];
                        }
                        y[i] = sum;
                    }
                };
                Lanczos.Result r = which == Lanczos.Which.LARGEST && !Double.isNaN(lowerBound)
                        ? Lanczos.largestFiltered(op, s, want, lowerBound, off[s] + s, tol, seed + c, threads, progress)
                        : Lanczos.solve(op, s, want, which, tol, seed + c, threads, progress);
                eigen = r.eigen();
                maxResidual = Math.max(maxResidual, r.maxResidual());
                products += r.matvecs();
                restarts += r.restarts();
            }
            vectors.add(eigen.vectors());
            for (int j = 0; j < eigen.size(); j++) {
                values.add(new double[] {eigen.values()[j], c, j});
            }
        }
        // the k wanted among all components' candidates; ties go to the earlier component
        Comparator<double[]> rank = switch (which) {
            case LARGEST -> Comparator.comparingDouble(x -> -x[0]);
            case SMALLEST -> Comparator.comparingDouble(x -> x[0]);
            case MAGNITUDE -> Comparator.comparingDouble(x -> -Math.abs(x[0]));
        };
        values.sort(rank.thenComparingDouble(x -> x[1]).thenComparingDouble(x -> x[2]));
        List<double[]> chosen = new ArrayList<>(values.subList(0, k));
        chosen.sort(Comparator.<double[]>comparingDouble(x -> x[0]).thenComparingDouble(x -> x[1])
                .thenComparingDouble(x -> x[2]));
        double[] vals = new double[k];
        double[][] vecs = new double[n][k];
        for (int j = 0; j < k; j++) {
            double[] x = chosen.get(j);
            vals[j] = x[0];
            int c = (int) x[1];
            int col = (int) x[2];
            int[] nodes = parts.get(c);
            double[][] v = vectors.get(c);
            for (int i = 0; i < nodes.length; i++) {
                vecs[nodes[i]][j] = v[i][col];
            }
        }
        Eigen.fixSigns(vecs);
        return new Lanczos.Result(new Eigen(vals, vecs), maxResidual, products, restarts);
    }
}
