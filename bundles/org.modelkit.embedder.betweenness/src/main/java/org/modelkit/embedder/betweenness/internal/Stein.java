package org.modelkit.embedder.betweenness.internal;

import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.modelkit.api.progress.Progress;

/**
 * The Stein equation of the betweenness-spectral embedding, {@code W X L - X + I = 0}: solved exactly
 * through both full eigendecompositions (small graphs), or truncated to the top eigenpairs of W and L by
 * Lanczos with the residual of the truncation estimated (large graphs). Either way the result is the
 * eigenpairs of the symmetrised solution, possibly with an implicit eigenspace.
 */
final class Stein {
    private Stein() {
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
    static Spectrum dense(SparseSym w, SparseSym l, Map<String, Double> diag) {
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
    static Spectrum sparse(SparseSym w, SparseSym l, Pipelines.Settings s, Progress p, Map<String, Double> diag) {
        int n = w.g.n;
        int k = Math.min(s.eigenpairs(), (n - 1) / 2);
        Lanczos.Result rw = ComponentSpectra.solve(w, k, Lanczos.Which.MAGNITUDE, Double.NaN, 1e-9, s.seed(), s.threads(), p);
        // L's spectrum lies in [0, 2]: its largest eigenvalues by the filtered solver
        Lanczos.Result rl = ComponentSpectra.solve(l, k, Lanczos.Which.LARGEST, 0.0, 1e-9, s.seed() + 1, s.threads(), p);
        double[] mu = rw.eigen().values();
        double[] lam = rl.eigen().values();
        double[][] u = rw.eigen().vectors();
        double[][] v = rl.eigen().vectors();
        double[][] c = new double[k][k];
        for (int x = 0; x < n; x++) { // UᵀV, row by row (the rows are contiguous)
            double[] ux = u[x];
            double[] vx = v[x];
            for (int i = 0; i < k; i++) {
                double a = ux[i];
                double[] ci = c[i];
                for (int j = 0; j < k; j++) {
                    ci[j] += a * vx[j];
                }
            }
        }
        double cond = Double.POSITIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double ml = mu[i] * lam[j];
                cond = Math.min(cond, Math.abs(1 - ml));
                c[i][j] = c[i][j] * ml / (1 - ml);
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
        diag.put("eigen.products.W", (double) rw.matvecs());
        diag.put("eigen.restarts.W", (double) rw.restarts());
        diag.put("eigen.products.L", (double) rl.matvecs());
        diag.put("eigen.restarts.L", (double) rl.restarts());
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
