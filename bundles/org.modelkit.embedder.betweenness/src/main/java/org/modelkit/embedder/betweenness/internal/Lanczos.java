package org.modelkit.embedder.betweenness.internal;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.modelkit.api.progress.Progress;

/**
 * A few extreme eigenpairs of a large sparse symmetric matrix, by thick-restart Lanczos (Wu and Simon,
 * 2000) with full reorthogonalisation.
 *
 * <p>Written here because no maintained pure-Java library offers a sparse symmetric eigensolver:
 * EJML and Commons Math are dense only, and the Java ARPACK bindings need native code. The basis
 * holds {@code m} vectors; every new vector is orthogonalised against all of them (a second time
 * when the first pass cancelled most of it) (so the
 * projected matrix {@code T = VᵀAV} is formed from the projection coefficients and stays exact after
 * restarts); when the basis is full, the wanted Ritz vectors are kept and the residual direction
 * continues the basis. It stops when every wanted Ritz pair has residual {@code ||Ax - θx||} at most
 * {@code tol} times the largest |θ| seen. An invariant subspace (a disconnected graph) is left by
 * continuing from a fresh random vector, so repeated eigenvalues are all found. Results are checked
 * against EJML's dense solver in the tests.
 */
final class Lanczos {
    /** Which end of the spectrum is wanted. */
    enum Which {
        LARGEST, SMALLEST, MAGNITUDE
    }

    /** y = A x for a symmetric A. */
    @FunctionalInterface
    interface Operator {
        void apply(double[] x, double[] y);
    }

    /**
     * @param values       the k eigenvalues, ascending
     * @param vectors      the eigenvectors as columns, n x k, signs fixed as in {@link Eigen}
     * @param maxResidual  the largest residual norm among them
     * @param matvecs      how many products with A were computed
     */
    record Result(Eigen eigen, double maxResidual, int matvecs) {
    }

    private Lanczos() {
    }

    static Result solve(Operator a, int n, int k, Which which, double tol, long seed, Progress progress) {
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k = " + k + " eigenpairs requested of an operator of size " + n);
        }
        int m = Math.min(n, Math.max(3 * k, k + 64));
        if (m >= n || n <= 64) {
            return viaDense(a, n, k, which);
        }
        Random rnd = new Random(seed);
        double[][] v = new double[m + 1][];
        double[][] t = new double[m][m];
        double[] w = new double[n];
        v[0] = randomUnit(n, rnd, v, 0);
        int start = 0;
        int matvecs = 0;
        double scale = 0;
        int maxRestarts = 2000;
        for (int restart = 0; restart < maxRestarts; restart++) {
            double beta = 0;
            for (int j = start; j < m; j++) {
                a.apply(v[j], w);
                matvecs++;
                // classical Gram-Schmidt against the whole basis, repeated only when it cancelled most of
                // w (Daniel-Gragg-Kaufman-Stewart: "twice is enough")
                double before = Math.sqrt(dot(w, w));
                for (int pass = 0; pass < 2; pass++) {
                    double[] c = new double[j + 1];
                    for (int i = 0; i <= j; i++) {
                        c[i] = dot(v[i], w);
                    }
                    for (int i = 0; i <= j; i++) {
                        axpy(-c[i], v[i], w);
                        t[i][j] += c[i];
                    }
                    double after = Math.sqrt(dot(w, w));
                    if (after > 0.7 * before) {
                        break;
                    }
                    before = after;
                }
                for (int i = 0; i < j; i++) {
                    t[j][i] = t[i][j];
                }
                beta = Math.sqrt(dot(w, w));
                scale = Math.max(scale, Math.abs(t[j][j]));
                if (beta <= 1e-12 * Math.max(scale, 1e-300)) {
                    // invariant subspace: continue from a random direction orthogonal to the basis
                    beta = 0;
                    v[j + 1] = randomUnit(n, rnd, v, j + 1);
                } else {
                    v[j + 1] = scaled(w, 1.0 / beta);
                }
            }
            Eigen ritz = Eigen.dense(t);
            int[] wanted = pick(ritz.values(), k, which);
            double maxRes = 0;
            for (int c : wanted) {
                maxRes = Math.max(maxRes, Math.abs(beta * ritz.vectors()[m - 1][c]));
                scale = Math.max(scale, Math.abs(ritz.values()[c]));
            }
            progress.report("eigensolver restarts", restart + 1, -1);
            progress.checkCancelled();
            boolean converged = maxRes <= tol * Math.max(scale, 1e-300);
            // keep the wanted Ritz vectors plus a few neighbours (a thicker restart converges faster)
            int keep = converged ? wanted.length : Math.min(m - 2, wanted.length + Math.max(2, (m - wanted.length) / 2));
            int[] kept = converged ? wanted : pick(ritz.values(), keep, which);
            double[][] x = new double[kept.length][];
            for (int c = 0; c < kept.length; c++) {
                x[c] = combine(v, m, ritz.vectors(), kept[c], n);
            }
            if (converged || restart == maxRestarts - 1) {
                int[] asc = IntStream.range(0, kept.length).boxed()
                        .sorted((p, q) -> Double.compare(ritz.values()[kept[p]], ritz.values()[kept[q]]))
                        .mapToInt(Integer::intValue).toArray();
                double[] vals = new double[kept.length];
                double[][] vecs = new double[n][kept.length];
                for (int c = 0; c < asc.length; c++) {
                    vals[c] = ritz.values()[kept[asc[c]]];
                    for (int i = 0; i < n; i++) {
                        vecs[i][c] = x[asc[c]][i];
                    }
                }
                Eigen.fixSigns(vecs);
                return new Result(new Eigen(vals, vecs), maxRes, matvecs);
            }
            // thick restart: the basis becomes the kept Ritz vectors (T diagonal there), then the residual
            // direction; its couplings to the Ritz vectors come out of the projections of the next column
            for (double[] row : t) {
                Arrays.fill(row, 0);
            }
            double[] next = v[m];
            for (int c = 0; c < kept.length; c++) {
                v[c] = x[c];
                t[c][c] = ritz.values()[kept[c]];
            }
            v[kept.length] = next;
            start = kept.length;
        }
        throw new IllegalStateException("Lanczos did not converge");
    }

    private static Result viaDense(Operator a, int n, int k, Which which) {
        double[][] dense = new double[n][n];
        double[] e = new double[n];
        double[] col = new double[n];
        for (int j = 0; j < n; j++) {
            Arrays.fill(e, 0);
            e[j] = 1;
            a.apply(e, col);
            for (int i = 0; i < n; i++) {
                dense[i][j] = col[i];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0.5 * (dense[i][j] + dense[j][i]);
                dense[i][j] = s;
                dense[j][i] = s;
            }
        }
        Eigen all = Eigen.dense(dense);
        int[] wanted = pick(all.values(), k, which);
        Arrays.sort(wanted);
        return new Result(all.select(wanted), 0, n);
    }

    /** Indices of the k wanted values. */
    static int[] pick(double[] values, int k, Which which) {
        Integer[] idx = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, switch (which) {
            case LARGEST -> (p, q) -> Double.compare(values[q], values[p]);
            case SMALLEST -> (p, q) -> Double.compare(values[p], values[q]);
            case MAGNITUDE -> (p, q) -> Double.compare(Math.abs(values[q]), Math.abs(values[p]));
        });
        return Arrays.stream(idx, 0, Math.min(k, idx.length)).mapToInt(Integer::intValue).toArray();
    }

    private static double[] randomUnit(int n, Random rnd, double[][] basis, int count) {
        double[] x = new double[n];
        for (int attempt = 0; attempt < 10; attempt++) {
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < count; i++) {
                    axpy(-dot(basis[i], x), basis[i], x);
                }
            }
            double norm = Math.sqrt(dot(x, x));
            if (norm > 1e-8) {
                return scaled(x, 1.0 / norm);
            }
        }
        throw new IllegalStateException("cannot extend a Krylov basis of " + count + " vectors in dimension " + n);
    }

    private static double[] combine(double[][] v, int m, double[][] y, int col, int n) {
        double[] x = new double[n];
        for (int j = 0; j < m; j++) {
            axpy(y[j][col], v[j], x);
        }
        return x;
    }

    static double dot(double[] a, double[] b) {
        // four independent sums let the CPU overlap the multiply-adds
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int n = a.length;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    private static double[] scaled(double[] x, double f) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * f;
        }
        return y;
    }
}
