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
     * @param restarts     how many times the basis was restarted (0 for the dense path)
     */
    record Result(Eigen eigen, double maxResidual, int matvecs, int restarts) {
    }

    private Lanczos() {
    }

    static Result solve(Operator a, int n, int k, Which which, double tol, long seed, Progress progress) {
        return solve(a, n, k, which, tol, seed, 1, progress);
    }

    /**
     * @param threads threads for the orthogonalisation (the results do not depend on it: partial sums are
     *                taken per fixed block of rows and added in block order)
     */
    static Result solve(Operator a, int n, int k, Which which, double tol, long seed, int threads, Progress progress) {
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k = " + k + " eigenpairs requested of an operator of size " + n);
        }
        int m = Math.min(n, Math.max(3 * k, k + 64));
        if (m >= n || n <= 64) {
            return viaDense(a, n, k, which);
        }
        try (Blocks blocks = new Blocks(n, threads)) {
            return solve(a, n, k, m, which, tol, seed, null, blocks, progress);
        }
    }

    /**
     * The k largest eigenpairs of a symmetric operator whose spectrum is known to lie at or above {@code lo} (a
     * normalised Laplacian: 0), by Lanczos on a Chebyshev filter of it (polynomial-filtered Lanczos, Fang and
     * Saad, 2012). On sparse graphs a product with the matrix costs a fraction of a basis vector's
     * orthogonalisation, while the wanted eigenvalues of a long-path graph are clustered (power's 48 largest of L
     * lie within 0.04 of each other on [0, 2]) and plain Lanczos needs about 1,100 products for them. The filter
     * {@code p(x) = T_d((2x - cut - lo) / (cut - lo))} keeps the eigenvectors, maps [lo, cut] into [-1, 1] and
     * stretches the spectrum above the cut, increasingly: the gaps among the wanted eigenvalues grow relative to
     * the spread, and Lanczos on p(A) needs about a tenth of the products (each d products with A).
     *
     * <p>The cut comes from a short Lanczos run on A: its (k + k/4)-th largest Ritz value is at most A's
     * (k + k/4)-th largest eigenvalue (Cauchy interlacing), so every wanted eigenvalue lies above the cut, where p is
     * increasing and exceeds 1 ≥ |p| on [lo, cut]: the k largest of p(A) are those of A. The degree balances a
     * filtered product against an orthogonalisation ({@code d ≈ m·n / (2 nnz)}, 8 to 32). Converged Ritz vectors
     * of p(A) are accepted only when their residuals with A itself, at their Rayleigh quotients, meet the
     * tolerance; otherwise the p(A) tolerance tightens and the restarts go on.
     *
     * @param nonZeros the operator's stored entries (its cost per product)
     */
    static Result largestFiltered(Operator a, int n, int k, double lo, long nonZeros, double tol, long seed, int threads,
            Progress progress) {
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k = " + k + " eigenpairs requested of an operator of size " + n);
        }
        int m = Math.min(n, Math.max(3 * k, k + 64));
        int m1 = k + 32;
        if (m >= n || n <= 64 || m1 >= n) {
            return viaDense(a, n, k, Which.LARGEST);
        }
        int[] products = {0};
        Operator counted = (x, y) -> {
            products[0]++;
            a.apply(x, y);
        };
        try (Blocks blocks = new Blocks(n, threads)) {
            Random rnd = new Random(seed);
            double[][] v = new double[m1 + 1][];
            double[][] t = new double[m1][m1];
            v[0] = randomUnit(n, rnd, v, 0);
            fill(counted, v, t, new double[n], 0, m1, rnd, blocks, new double[1]);
            double[] ritz = Eigen.dense(t).values(); // ascending
            double cut = ritz[m1 - 1 - Math.min(m1 - 1, k + k / 4)];
            double top = ritz[m1 - 1];
            if (!(cut - lo > 1e-3 * (top - lo))) {
                // no room for a filter (the wanted eigenvalues reach down to the bottom of the spectrum)
                return solve(a, n, k, m, Which.LARGEST, tol, seed, null, blocks, progress);
            }
            int degree = (int) Math.max(8, Math.min(32, Math.round(0.5 * m * (double) n / Math.max(1, nonZeros))));
            double c = 0.5 * (cut + lo);
            double e = 0.5 * (cut - lo);
            double[] prev = new double[n];
            double[] tmp = new double[n];
            double[] spare = new double[n];
            // one term of the recurrence: out = (A in - c in) / e (first) or 2 (A in - c in) / e - before. The
            // product stays on one thread: handing blocks of it to a second thread for every term cost more than it
            // saved on the benchmark graphs (power: 360 instead of 230 ms for L)
            Step step = (in, before, out) -> {
                products[0]++;
                a.apply(in, tmp);
                update(in, before, out, tmp, c, e);
            };
            Operator filter = (x, y) -> {
                // y = T_d((A - c) / e) x by the three-term recurrence T_{j+1} = 2 s T_j - T_{j-1}
                double[] y0 = prev;
                System.arraycopy(x, 0, y0, 0, n);
                step.apply(x, null, y);
                double[] y1 = y;
                double[] y2 = spare;
                for (int j = 1; j < degree; j++) {
                    step.apply(y1, y0, y2);
                    double[] r = y0;
                    y0 = y1;
                    y1 = y2;
                    y2 = r;
                }
                if (y1 != y) {
                    System.arraycopy(y1, 0, y, 0, n);
                }
            };
            Result r = solve(filter, n, k, m, Which.LARGEST, tol, seed + 1, counted, blocks, progress);
            return new Result(r.eigen(), r.maxResidual(), products[0], r.restarts());
        }
    }

    /** One term of the Chebyshev recurrence. */
    @FunctionalInterface
    private interface Step {
        void apply(double[] in, double[] before, double[] out);
    }

    private static void update(double[] in, double[] before, double[] out, double[] product, double c, double e) {
        if (before == null) {
            for (int i = 0; i < in.length; i++) {
                out[i] = (product[i] - c * in[i]) / e;
            }
        } else {
            for (int i = 0; i < in.length; i++) {
                out[i] = 2 * (product[i] - c * in[i]) / e - before[i];
            }
        }
    }

    /**
     * Thick-restart Lanczos on {@code a}. With a {@code check} operator (a filtered run: a = p(check)), converged
     * Ritz vectors are accepted only if their residuals with {@code check} at its Rayleigh quotients meet
     * {@code tol}, and those quotients are the returned eigenvalues.
     */
    private static Result solve(Operator a, int n, int k, int m, Which which, double tol, long seed, Operator check,
            Blocks blocks, Progress progress) {
        Random rnd = new Random(seed);
        double[][] v = new double[m + 1][];
        double[][] t = new double[m][m];
        double[] w = new double[n];
        v[0] = randomUnit(n, rnd, v, 0);
        int start = 0;
        int matvecs = 0;
        double[] scale = {0};
        double tolA = tol;
        int maxRestarts = 2000;
        for (int restart = 0; restart < maxRestarts; restart++) {
            double beta = fill(a, v, t, w, start, m, rnd, blocks, scale);
            matvecs += m - start;
            Eigen ritz = Eigen.dense(t);
            int[] wanted = pick(ritz.values(), k, which);
            double maxRes = 0;
            for (int c : wanted) {
                maxRes = Math.max(maxRes, Math.abs(beta * ritz.vectors()[m - 1][c]));
                scale[0] = Math.max(scale[0], Math.abs(ritz.values()[c]));
            }
            progress.report("eigensolver restarts", restart + 1, -1);
            progress.checkCancelled();
            boolean converged = maxRes <= tol * Math.max(scale[0], 1e-300);
            // keep the wanted Ritz vectors plus a few neighbours (a thicker restart converges faster)
            int keep = Math.min(m - 2, wanted.length + Math.max(2, (m - wanted.length) / 2));
            int[] kept = pick(ritz.values(), keep, which); // the wanted ones first
            double[][] x = blocks.combine(v, m, ritz.vectors(), kept);
            double[] vals = new double[wanted.length];
            for (int c = 0; c < wanted.length; c++) {
                vals[c] = ritz.values()[kept[c]];
            }
            if (converged && check != null) {
                double[] y = new double[n];
                double maxA = 0;
                double scaleA = 0;
                for (int c = 0; c < wanted.length; c++) {
                    check.apply(x[c], y);
                    double theta = dot(x[c], y) / dot(x[c], x[c]);
                    double r2 = 0;
                    for (int i = 0; i < n; i++) {
                        double d = y[i] - theta * x[c][i];
                        r2 += d * d;
                    }
                    vals[c] = theta;
                    maxA = Math.max(maxA, Math.sqrt(r2));
                    scaleA = Math.max(scaleA, Math.abs(theta));
                }
                if (maxA > tolA * Math.max(scaleA, 1e-300)) {
                    converged = false; // accurate in p(A) but not yet in A: ask p(A) for more
                    tol *= 1e-2;
                } else {
                    maxRes = maxA;
                }
            }
            if (converged || restart == maxRestarts - 1) {
                int[] asc = IntStream.range(0, wanted.length).boxed()
                        .sorted((p, q) -> Double.compare(vals[p], vals[q])).mapToInt(Integer::intValue).toArray();
                double[] sorted = new double[wanted.length];
                double[][] vecs = new double[n][wanted.length];
                for (int c = 0; c < asc.length; c++) {
                    sorted[c] = vals[asc[c]];
                    double[] xc = x[asc[c]];
                    for (int i = 0; i < n; i++) {
                        vecs[i][c] = xc[i];
                    }
                }
                Eigen.fixSigns(vecs);
                return new Result(new Eigen(sorted, vecs), maxRes, matvecs, restart + 1);
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

    /**
     * Extends the basis from column {@code start} to {@code m} (v[m] becomes the residual direction), filling T.
     *
     * @param scale the largest |T[j][j]| seen, updated
     * @return the last coupling β (0 after an invariant subspace)
     */
    private static double fill(Operator a, double[][] v, double[][] t, double[] w, int start, int m, Random rnd,
            Blocks blocks, double[] scale) {
        int n = w.length;
        double beta = 0;
        for (int j = start; j < m; j++) {
            a.apply(v[j], w);
            // classical Gram-Schmidt against the whole basis, repeated only when it cancelled most of
            // w (Daniel-Gragg-Kaufman-Stewart: "twice is enough"). Reading the basis dominates the solve
            // (it is memory-bound), so both sweeps run over blocks of rows, split among the threads
            double before = Math.sqrt(dot(w, w));
            for (int pass = 0; pass < 2; pass++) {
                double[] c = blocks.dots(v, j + 1, w);
                double after = Math.sqrt(blocks.subtract(v, j + 1, c, w));
                for (int i = 0; i <= j; i++) {
                    t[i][j] += c[i];
                }
                if (after > 0.7 * before) {
                    break;
                }
                before = after;
            }
            for (int i = 0; i < j; i++) {
                t[j][i] = t[i][j];
            }
            beta = Math.sqrt(dot(w, w));
            scale[0] = Math.max(scale[0], Math.abs(t[j][j]));
            if (beta <= 1e-12 * Math.max(scale[0], 1e-300)) {
                // invariant subspace: continue from a random direction orthogonal to the basis
                beta = 0;
                v[j + 1] = randomUnit(n, rnd, v, j + 1);
            } else {
                v[j + 1] = scaled(w, 1.0 / beta);
            }
        }
        return beta;
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
        return new Result(all.select(wanted), 0, n, 0);
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

    /**
     * The basis kernels over blocks of {@value #BLOCK} rows: each block's partial sums are kept apart and added
     * in block order, so the results are the same for every thread count; blocks are split among the threads
     * in contiguous ranges (a pool of threads - 1 helpers, the caller runs the first range).
     */
    static final class Blocks implements AutoCloseable {
        static final int BLOCK = 256;
        private final int n;
        private final int count;
        private final java.util.concurrent.ExecutorService pool;
        private final int threads;

        Blocks(int n, int threads) {
            this.n = n;
            this.count = (n + BLOCK - 1) / BLOCK;
            this.threads = Math.max(1, Math.min(threads, count));
            this.pool = this.threads == 1 ? null : java.util.concurrent.Executors.newFixedThreadPool(this.threads - 1, r -> {
                Thread th = new Thread(r, "modelkit-lanczos");
                th.setDaemon(true);
                return th;
            });
        }

        /** Runs body(block) for every block, the blocks split among the threads. */
        private void each(java.util.function.IntConsumer body) {
            if (pool == null) {
                for (int b = 0; b < count; b++) {
                    body.accept(b);
                }
                return;
            }
            java.util.List<java.util.concurrent.Future<?>> helpers = new java.util.ArrayList<>(threads - 1);
            for (int p = 1; p < threads; p++) {
                int lo = p * count / threads;
                int hi = (p + 1) * count / threads;
                helpers.add(pool.submit(() -> {
                    for (int b = lo; b < hi; b++) {
                        body.accept(b);
                    }
                }));
            }
            for (int b = 0; b < count / threads; b++) {
                body.accept(b);
            }
            for (java.util.concurrent.Future<?> f : helpers) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new org.modelkit.api.progress.CancelledException("the eigensolver was interrupted");
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("an eigensolver thread failed", e.getCause());
                }
            }
        }

        /** @return c[i] = &lt;v[i], w&gt; for i &lt; rows */
        double[] dots(double[][] v, int rows, double[] w) {
            double[][] part = new double[count][rows];
            each(b -> {
                int lo = b * BLOCK;
                int hi = Math.min(n, lo + BLOCK);
                double[] pb = part[b];
                for (int i = 0; i < rows; i++) {
                    pb[i] = dot(v[i], w, lo, hi);
                }
            });
            double[] c = new double[rows];
            for (double[] pb : part) {
                for (int i = 0; i < rows; i++) {
                    c[i] += pb[i];
                }
            }
            return c;
        }

        /** w -= Σ c[i] v[i] over i &lt; rows; @return the squared norm of the new w */
        double subtract(double[][] v, int rows, double[] c, double[] w) {
            double[] norms = new double[count];
            each(b -> {
                int lo = b * BLOCK;
                int hi = Math.min(n, lo + BLOCK);
                for (int i = 0; i < rows; i++) {
                    double f = -c[i];
                    double[] vi = v[i];
                    for (int x = lo; x < hi; x++) {
                        w[x] += f * vi[x];
                    }
                }
                norms[b] = dot(w, w, lo, hi);
            });
            double s = 0;
            for (double nb : norms) {
                s += nb;
            }
            return s;
        }

        /** @return x[c] = Σ_j y[j][cols[c]] v[j] over j &lt; rows: the Ritz vectors of the kept columns */
        double[][] combine(double[][] v, int rows, double[][] y, int[] cols) {
            double[][] x = new double[cols.length][n];
            each(b -> {
                int lo = b * BLOCK;
                int hi = Math.min(n, lo + BLOCK);
                // 128 rows at a time: that slice of the whole basis stays in the core's cache for every column
                for (int s0 = lo; s0 < hi; s0 += 128) {
                    int s1 = Math.min(hi, s0 + 128);
                    for (int c = 0; c < cols.length; c++) {
                        double[] xc = x[c];
                        for (int j = 0; j < rows; j++) {
                            double f = y[j][cols[c]];
                            double[] vj = v[j];
                            for (int i = s0; i < s1; i++) {
                                xc[i] += f * vj[i];
                            }
                        }
                    }
                }
            });
            return x;
        }

        @Override
        public void close() {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    static double dot(double[] a, double[] b) {
        return dot(a, b, 0, a.length);
    }

    /** The dot product over the index range [lo, hi). */
    static double dot(double[] a, double[] b, int lo, int n) {
        // four independent sums let the CPU overlap the multiply-adds
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = lo;
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
