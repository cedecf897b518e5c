package org.modelkit.embedder.betweenness.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.modelkit.api.data.Graph;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.progress.Progress;

/**
 * The three embeddings, on shared code paths: graph preparation ({@link SimpleGraph}), edge
 * betweenness, normalised Laplacians, dense (EJML) or sparse (Lanczos) eigenpairs, and wave-kernel
 * signatures.
 */
final class Pipelines {
    /** Most energy samples a wave-kernel signature may have (its dimension does not depend on the node count). */
    static final int MAX_ENERGIES = 4096;

    /**
     * How the embedders compute; from the component configuration.
     *
     * @param mode          "exact", "sampled" or "auto" (exact while n·m is at most 2·10^9)
     * @param samples       sources for the sampled betweenness estimate
     * @param scale         factor on the normalised betweenness in W_B (10 in the authors' code)
     * @param weightedPaths whether shortest paths use the graph's edge weights as lengths
     * @param seed          for source sampling and Lanczos start vectors
     * @param threads       worker threads for betweenness, at least 1
     * @param denseLimit    largest node count for the dense eigensolver
     * @param eigenpairs    eigenpairs kept per matrix above the dense limit
     * @param wksWidth      the wave-kernel width w, in units of the spacing between energy samples
     */
    record Settings(String mode, int samples, double scale, boolean weightedPaths, long seed, int threads, int denseLimit,
            int eigenpairs, double wksWidth) {
        Settings {
            if (!mode.equals("exact") && !mode.equals("sampled") && !mode.equals("auto")) {
                throw new IllegalArgumentException("betweenness.mode '" + mode + "' must be exact, sampled or auto");
            }
            if (samples < 1 || threads < 1 || denseLimit < 2 || eigenpairs < 2) {
                throw new IllegalArgumentException("betweenness.samples, threads, dense.limit and eigenpairs must be"
                        + " positive (dense.limit and eigenpairs at least 2)");
            }
            if (!(scale > 0 && Double.isFinite(scale)) || !(wksWidth > 0 && Double.isFinite(wksWidth))) {
                throw new IllegalArgumentException("betweenness.scale and wks.width must be finite and positive");
            }
        }

        static Settings defaults() {
            return new Settings("auto", 512, 10.0, false, 42L, Math.max(1, Runtime.getRuntime().availableProcessors()),
                    1000, 48, 1.0);
        }

        Settings withDenseLimit(int limit) {
            return new Settings(mode, samples, scale, weightedPaths, seed, threads, limit, eigenpairs, wksWidth);
        }
    }

    private Pipelines() {
    }

    // ---------------------------------------------------------------------------------------------
    // the paper's embedding

    static Embedding betweennessSpectral(Graph graph, int dims, Settings s, Progress p) {
        long t0 = System.nanoTime();
        SimpleGraph g = SimpleGraph.of(graph);
        checkDims(dims, MAX_ENERGIES, g.n);
        Map<String, Double> diag = new LinkedHashMap<>();
        EdgeBetweenness.Result b = betweenness(g, s, p, diag);
        long t1 = System.nanoTime();
        SparseSym w = betweennessGraph(g, b.values(), s.scale());
        SparseSym l = w.normalizedLaplacian();
        Spectrum x = g.n <= s.denseLimit() ? steinDense(w, l, diag) : steinSparse(w, l, s, p, diag);
        double[][] wks = WaveKernel.signatures(x.values, x.vectors, dims, s.wksWidth(), x.implicitValue,
                x.implicitWeight, x.implicitCount);
        diag.put("seconds.betweenness", (t1 - t0) / 1e9);
        diag.put("seconds.spectral", (System.nanoTime() - t1) / 1e9);
        return embedding(graph, g, wks, diag);
    }

    /** W_B: the graph's edges weighted by scale x normalised edge betweenness. */
    static SparseSym betweennessGraph(SimpleGraph g, double[] betweenness, double scale) {
        double[] wb = new double[g.m];
        for (int e = 0; e < g.m; e++) {
            wb[e] = scale * betweenness[e];
        }
        return SparseSym.adjacency(g, wb);
    }

    /** Eigenpairs of the symmetrised Stein solution, possibly with an implicit eigenspace. */
    static final class Spectrum {
        double[] values;
        double[][] vectors;
        double implicitValue = Double.NaN;
        double[] implicitWeight;
        long implicitCount;
    }

    /** Exact Stein solution X of W X L - X + I = 0 through both full eigendecompositions. */
    static Spectrum steinDense(SparseSym w, SparseSym l, Map<String, Double> diag) {
        int n = w.g.n;
        Eigen ew = Eigen.dense(w.dense());
        Eigen el = Eigen.dense(l.dense());
        DMatrixRMaj u = new DMatrixRMaj(ew.vectors());
        DMatrixRMaj v = new DMatrixRMaj(el.vectors());
        DMatrixRMaj y = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransA(u, v, y);
        double cond = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double den = 1 - ew.values()[i] * el.values()[j];
                cond = Math.min(cond, Math.abs(den));
                y.set(i, j, y.get(i, j) / den);
            }
        }
        DMatrixRMaj uy = new DMatrixRMaj(n, n);
        CommonOps_DDRM.mult(u, y, uy);
        DMatrixRMaj x = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransB(uy, v, x);
        double[][] xa = toArray(x);
        // residual W X L - X + I, relative to ||I|| = sqrt(n); X L = (L Xᵀ)ᵀ since L is symmetric
        double[][] lxt = l.timesDense(transpose(xa));
        double[][] wxl = w.timesDense(transpose(lxt));
        double res = 0;
        double asym = 0;
        double norm = 0;
        double[][] xs = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double r = wxl[i][j] - xa[i][j] + (i == j ? 1 : 0);
                res += r * r;
                double d = xa[i][j] - xa[j][i];
                asym += d * d;
                norm += xa[i][j] * xa[i][j];
                xs[i][j] = 0.5 * (xa[i][j] + xa[j][i]);
            }
        }
        diag.put("dense", 1.0);
        diag.put("conditioning", cond);
        diag.put("stein.residual", Math.sqrt(res / n));
        diag.put("stein.asymmetry", Math.sqrt(asym / norm));
        Eigen ex = Eigen.dense(xs);
        Spectrum out = new Spectrum();
        out.values = ex.values();
        out.vectors = ex.vectors();
        return out;
    }

    /**
     * The Stein solution restricted to the k eigenpairs of W_B of largest magnitude and the k of L of
     * largest value: {@code X = I + U C Vᵀ} with {@code C = (UᵀV) ⊙ μλ/(1-μλ)}, exact when k = n. Its
     * residual is {@code W L - W_k L_k}, estimated with random probes.
     */
    static Spectrum steinSparse(SparseSym w, SparseSym l, Settings s, Progress p, Map<String, Double> diag) {
        int n = w.g.n;
        int k = Math.min(s.eigenpairs(), (n - 1) / 2);
        Lanczos.Result rw = Lanczos.solve(w, n, k, Lanczos.Which.MAGNITUDE, 1e-9, s.seed(), p);
        Lanczos.Result rl = Lanczos.solve(l, n, k, Lanczos.Which.LARGEST, 1e-9, s.seed() + 1, p);
        double[] mu = rw.eigen().values();
        double[] lam = rl.eigen().values();
        double[][] u = rw.eigen().vectors();
        double[][] v = rl.eigen().vectors();
        double[][] c = new double[k][k];
        double cond = Double.POSITIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double dot = 0;
                for (int x = 0; x < n; x++) {
                    dot += u[x][i] * v[x][j];
                }
                double ml = mu[i] * lam[j];
                cond = Math.min(cond, Math.abs(1 - ml));
                c[i][j] = dot * ml / (1 - ml);
            }
        }
        // thin QR of [U V]: the low-rank part of X_s lives in its column space
        DMatrixRMaj uv = new DMatrixRMaj(n, 2 * k);
        for (int x = 0; x < n; x++) {
            for (int i = 0; i < k; i++) {
                uv.set(x, i, u[x][i]);
                uv.set(x, k + i, v[x][i]);
            }
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(n, 2 * k);
        if (!qr.decompose(uv)) {
            throw new IllegalStateException("QR decomposition of the truncated bases failed");
        }
        DMatrixRMaj q = qr.getQ(null, true);
        DMatrixRMaj r = qr.getR(null, true);
        DMatrixRMaj ru = CommonOps_DDRM.extract(r, 0, 2 * k, 0, k);
        DMatrixRMaj rv = CommonOps_DDRM.extract(r, 0, 2 * k, k, 2 * k);
        DMatrixRMaj ruc = new DMatrixRMaj(2 * k, k);
        CommonOps_DDRM.mult(ru, new DMatrixRMaj(c), ruc);
        DMatrixRMaj m = new DMatrixRMaj(2 * k, 2 * k);
        CommonOps_DDRM.multTransB(ruc, rv, m);
        double[][] sm = new double[2 * k][2 * k];
        for (int i = 0; i < 2 * k; i++) {
            for (int j = 0; j < 2 * k; j++) {
                sm[i][j] = 0.5 * (m.get(i, j) + m.get(j, i));
            }
        }
        Eigen es = Eigen.dense(sm);
        DMatrixRMaj qz = new DMatrixRMaj(n, 2 * k);
        CommonOps_DDRM.mult(q, new DMatrixRMaj(es.vectors()), qz);
        Spectrum out = new Spectrum();
        out.values = new double[2 * k];
        out.vectors = toArray(qz);
        out.implicitWeight = new double[n];
        for (int i = 0; i < 2 * k; i++) {
            out.values[i] = 1 + es.values()[i];
        }
        for (int x = 0; x < n; x++) {
            double sq = 0;
            for (int i = 0; i < 2 * k; i++) {
                sq += out.vectors[x][i] * out.vectors[x][i];
            }
            out.implicitWeight[x] = Math.max(0, 1 - sq);
        }
        out.implicitValue = 1;
        out.implicitCount = n - 2L * k;
        diag.put("dense", 0.0);
        diag.put("eigenpairs", (double) k);
        diag.put("conditioning", cond);
        diag.put("eigen.maxResidual", Math.max(rw.maxResidual(), rl.maxResidual()));
        double capW = 0;
        double capL = 0;
        for (int i = 0; i < k; i++) {
            capW += mu[i] * mu[i];
            capL += lam[i] * lam[i];
        }
        diag.put("truncation.capturedW", capW / w.frobenius2());
        diag.put("truncation.capturedL", capL / l.frobenius2());
        diag.put("stein.residual", truncationResidual(w, l, u, mu, v, lam, s.seed()));
        return out;
    }

    /** ||W L - U M Uᵀ V Λ Vᵀ||_F / sqrt(n), by Hutchinson's estimator with 8 Rademacher probes. */
    private static double truncationResidual(SparseSym w, SparseSym l, double[][] u, double[] mu, double[][] v,
            double[] lam, long seed) {
        int n = u.length;
        int k = mu.length;
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        double[] z = new double[n];
        double[] lz = new double[n];
        double[] wlz = new double[n];
        double total = 0;
        int probes = 8;
        for (int t = 0; t < probes; t++) {
            for (int i = 0; i < n; i++) {
                z[i] = rnd.nextBoolean() ? 1 : -1;
            }
            l.apply(z, lz);
            w.apply(lz, wlz);
            double[] a = new double[k];
            for (int j = 0; j < k; j++) {
                double d = 0;
                for (int x = 0; x < n; x++) {
                    d += v[x][j] * z[x];
                }
                a[j] = lam[j] * d;
            }
            double[] vz = new double[n];
            for (int x = 0; x < n; x++) {
                double sum = 0;
                for (int j = 0; j < k; j++) {
                    sum += v[x][j] * a[j];
                }
                vz[x] = sum;
            }
            double[] bcoef = new double[k];
            for (int i = 0; i < k; i++) {
                double d = 0;
                for (int x = 0; x < n; x++) {
                    d += u[x][i] * vz[x];
                }
                bcoef[i] = mu[i] * d;
            }
            for (int x = 0; x < n; x++) {
                double sum = 0;
                for (int i = 0; i < k; i++) {
                    sum += u[x][i] * bcoef[i];
                }
                double r = wlz[x] - sum;
                total += r * r;
            }
        }
        return Math.sqrt(total / probes / n);
    }

    // ---------------------------------------------------------------------------------------------
    // baselines

    static Embedding laplacianEigenmaps(Graph graph, int dims, Settings s, Progress p) {
        long t0 = System.nanoTime();
        SimpleGraph g = SimpleGraph.of(graph);
        checkDims(dims, g.n - 1, g.n);
        Map<String, Double> diag = new LinkedHashMap<>();
        Eigen e = smallestOfLaplacian(SparseSym.adjacency(g, g.weight).normalizedLaplacian(), dims + 1, s, p, diag);
        double[][] coords = new double[g.n][dims];
        for (int x = 0; x < g.n; x++) {
            for (int j = 0; j < dims; j++) {
                coords[x][j] = e.vectors()[x][j + 1];
            }
        }
        diag.put("lambda2", e.values()[1]);
        diag.put("seconds.spectral", (System.nanoTime() - t0) / 1e9);
        return embedding(graph, g, coords, diag);
    }

    static Embedding waveKernel(Graph graph, int dims, Settings s, Progress p) {
        long t0 = System.nanoTime();
        SimpleGraph g = SimpleGraph.of(graph);
        checkDims(dims, MAX_ENERGIES, g.n);
        Map<String, Double> diag = new LinkedHashMap<>();
        int k = g.n <= s.denseLimit() ? g.n : Math.min(s.eigenpairs(), g.n - 1);
        Eigen e = smallestOfLaplacian(SparseSym.adjacency(g, g.weight).normalizedLaplacian(), k, s, p, diag);
        double[][] wks = WaveKernel.signatures(e.values(), e.vectors(), dims, s.wksWidth(), Double.NaN, null, 0);
        diag.put("seconds.spectral", (System.nanoTime() - t0) / 1e9);
        return embedding(graph, g, wks, diag);
    }

    /** The k smallest eigenpairs of a normalised Laplacian (spectrum in [0, 2]), dense or by Lanczos. */
    static Eigen smallestOfLaplacian(SparseSym lap, int k, Settings s, Progress p, Map<String, Double> diag) {
        int n = lap.g.n;
        if (n <= s.denseLimit()) {
            diag.put("dense", 1.0);
            Eigen all = Eigen.dense(lap.dense());
            int[] first = new int[k];
            for (int i = 0; i < k; i++) {
                first[i] = i;
            }
            return all.select(first);
        }
        Lanczos.Result r = Lanczos.solve(lap.shiftedNegation(2), n, k, Lanczos.Which.LARGEST, 1e-10, s.seed(), p);
        diag.put("dense", 0.0);
        diag.put("eigen.maxResidual", r.maxResidual());
        // eigenvalues of 2I - L, ascending, become those of L, descending: reverse both
        double[] vals = new double[k];
        double[][] vecs = new double[n][k];
        for (int c = 0; c < k; c++) {
            vals[c] = 2 - r.eigen().values()[k - 1 - c];
            for (int x = 0; x < n; x++) {
                vecs[x][c] = r.eigen().vectors()[x][k - 1 - c];
            }
        }
        return new Eigen(vals, vecs);
    }

    /** The betweenness the settings ask for; records what was computed in diag. */
    static EdgeBetweenness.Result betweenness(SimpleGraph g, Settings s, Progress p, Map<String, Double> diag) {
        boolean exact = switch (s.mode()) {
            case "exact" -> true;
            case "sampled" -> false;
            default -> (double) g.n * g.m <= 2e9;
        };
        EdgeBetweenness.Result b = exact ? EdgeBetweenness.exact(g, s.weightedPaths(), s.threads(), p)
                : EdgeBetweenness.sampled(g, s.weightedPaths(), s.samples(), s.seed(), s.threads(), p);
        diag.put("betweenness.sources", (double) b.sources());
        diag.put("betweenness.exact", b.exact() ? 1.0 : 0.0);
        diag.put("betweenness.errorBound", b.errorBound());
        return b;
    }

    // ---------------------------------------------------------------------------------------------

    private static void checkDims(int dims, int max, int n) {
        if (dims < 1 || dims > max) {
            throw new IllegalArgumentException("dimensions = " + dims + " must lie in [1, " + max + "] for a graph of "
                    + n + " nodes");
        }
    }

    /** Node vectors, and edge vectors [(d(u)+d(v))/2, |d(u)-d(v)|] for the input graph's edges. */
    private static Embedding embedding(Graph graph, SimpleGraph g, double[][] nodes, Map<String, Double> diag) {
        int d = nodes[0].length;
        float[] nf = new float[g.n * d];
        for (int x = 0; x < g.n; x++) {
            for (int j = 0; j < d; j++) {
                nf[x * d + j] = (float) nodes[x][j];
            }
        }
        int[][] edges = graph.edges();
        float[] ef = new float[edges.length * 2 * d];
        for (int e = 0; e < edges.length; e++) {
            double[] a = nodes[edges[e][0]];
            double[] b = nodes[edges[e][1]];
            for (int j = 0; j < d; j++) {
                ef[e * 2 * d + j] = (float) (0.5 * (a[j] + b[j]));
                ef[e * 2 * d + d + j] = (float) Math.abs(a[j] - b[j]);
            }
        }
        diag.put("nodes", (double) g.n);
        diag.put("edges", (double) g.m);
        return new Embedding(Tensor.of(nf, g.n, d), Tensor.of(ef, edges.length, 2 * d), diag);
    }

    private static double[][] toArray(DMatrixRMaj m) {
        double[][] a = new double[m.numRows][m.numCols];
        for (int i = 0; i < m.numRows; i++) {
            for (int j = 0; j < m.numCols; j++) {
                a[i][j] = m.unsafe_get(i, j);
            }
        }
        return a;
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }
}
