package org.modelkit.information.unique.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.modelkit.api.progress.Progress;
import org.modelkit.nn.Scalars;

/**
 * The linearized training with every sample and without each one, in the function space of the training
 * rows (N = n·k of them, one per sample and output), in the sum-loss convention of the paper: η = lr/n,
 * λ = n·λ′, Θ_λ = Θ + λI. Training from w0 keeps w − w0 = Jᵀa in the span of the Jacobian rows, and full-batch
 * gradient descent on the coefficients a is
 *
 * <pre>a ← a − η (r0 + Θ_λ a),   a(0) = 0,   r0 = f0 − Y,</pre>
 *
 * so after t steps a = −Θ_λ⁻¹(I − (I − ηΘ_λ)^t) r0, the closed form α, and without sample i the same on Θ
 * with i's k rows and columns dropped and η_{−i} = lr/(n − 1) (λ unchanged, as the authors' code).
 *
 * <p>For finite t the n + 1 trainings are run together, as t products of Θ_λ with an N × (n + 1) matrix on
 * the device (column 0 every sample, column i + 1 without sample i, its rows held at 0): O(t·n·N²) and no
 * inverse. The authors' code instead forms (I − η_{−i}Θ_{λ,−i})^t by repeated squaring and Θ_{λ,−i}⁻¹ by a
 * Woodbury downdate for every i, O(n·N³·log t); the two agree to rounding (a test holds them to 1e-9), and
 * for t = 600 and N = 1,000 this way is about 30 times less arithmetic. For t = ∞ (E = 0) there is no
 * series: α = −Θ_λ⁻¹ r0 and α_{−i} = −Θ_{λ,−i}⁻¹ r0[keep] by the Woodbury downdate of Θ_λ⁻¹, O(N²k) each.
 *
 * <p>The linear algebra no tensor library offers here (the symmetric eigenvalues, the inverse, the k × k
 * solves of the downdate) is EJML's; the products are the device's.
 */
final class LeaveOneOut {
    private LeaveOneOut() {
    }

    /**
     * @param alpha     α with every sample, length N
     * @param without   column i: α_{−i} with sample i's rows 0, N × n row-major
     * @param minEigen  λ_min(Θ_λ)
     * @param maxEigen  λ_max(Θ_λ)
     */
    record Solution(double[] alpha, double[] without, double minEigen, double maxEigen) {
        /** @return the condition number λ_max/λ_min of Θ_λ (infinite when singular) */
        double condition() {
            return minEigen > 0 ? maxEigen / minEigen : Double.POSITIVE_INFINITY;
        }
    }

    /**
     * @param n   samples
     * @param k   outputs per sample
     * @param lr  the mean loss's rate
     * @param t   steps, 0 for ∞
     * @param decay λ′ of the mean loss
     */
    record Setting(int n, int k, double lr, int t, double decay) {
        double eta() {
            return lr / n;
        }

        double etaWithout() {
            return lr / (n - 1);
        }

        double lambda() {
            return n * decay;
        }
    }

    /**
     * The extreme eigenvalues of Θ_λ (EJML's symmetric QR algorithm, values only).
     *
     * @return {min, max}
     */
    static double[] extremeEigenvalues(double[] theta, int size, double lambda) {
        DMatrixRMaj a = new DMatrixRMaj(size, size, true, theta.clone());
        for (int i = 0; i < size; i++) {
            a.add(i, i, lambda);
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(size, false, true);
        if (!eig.decompose(a)) {
            throw new IllegalStateException("the eigenvalues of Θ did not converge");
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            double v = eig.getEigenvalue(i).getReal();
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new double[] {min, max};
    }

    /**
     * Refuses a setting under which the linear training diverges or t = ∞ has no solution.
     *
     * @param eig {λ_min, λ_max} of Θ_λ
     * @throws IllegalArgumentException naming the rate or the decay to change
     */
    static void check(Setting s, double[] eig) {
        double rate = s.lr() * eig[1] / s.n();
        double rateWithout = s.lr() * eig[1] / (s.n() - 1);
        if (!(rate < 2)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "learning rate %s: lr·λ_max(Θ_λ)/n = %.4g ≥ 2, so"
                    + " gradient descent on the linearized network diverges (λ_max = %.6g, n = %d); use lr < %.4g",
                    s.lr(), rate, eig[1], s.n(), 2.0 * (s.n() - 1) / eig[1]));
        }
        if (!(rateWithout < 2)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "learning rate %s: without one sample lr·λ_max/(n − 1)"
                    + " = %.4g ≥ 2, so the leave-one-out trainings diverge (λ_max = %.6g, n = %d); use lr < %.4g", s.lr(),
                    rateWithout, eig[1], s.n(), 2.0 * (s.n() - 1) / eig[1]));
        }
        if (s.t() == 0 && !(eig[0] > 1e-10 * eig[1])) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "steps = ∞ needs Θ + λI to be positive definite, but its"
                    + " smallest eigenvalue is %.3g (largest %.3g): give a weight decay λ′ > 0 or a finite number of steps",
                    eig[0], eig[1]));
        }
    }

    /**
     * Solves the linear training with every sample and without each.
     *
     * @param theta   Θ, N × N row-major, symmetric
     * @param r0      f0 − Y, length N
     * @param eig     {λ_min, λ_max} of Θ_λ, from {@link #extremeEigenvalues}, already {@link #check checked}
     * @param manager where the device products run (float64)
     * @param progress "leave-one-out" per 1% of the steps (finite t) or per sample (t = ∞); may cancel
     */
    static Solution solve(double[] theta, double[] r0, Setting s, double[] eig, NDManager manager, Progress progress) {
        return s.t() > 0 ? series(theta, r0, s, eig, manager, progress) : converged(theta, r0, s, eig, progress);
    }

    /** Finite t: the n + 1 gradient descents on the coefficients, together. */
    private static Solution series(double[] theta, double[] r0, Setting s, double[] eig, NDManager parent, Progress progress) {
        int n = s.n();
        int k = s.k();
        int size = n * k;
        int cols = n + 1;
        double[] step = new double[size * cols]; // η per column, 0 on the left-out sample's rows
        double[] rhs = new double[size * cols];
        for (int row = 0; row < size; row++) {
            int sample = row / k;
            for (int c = 0; c < cols; c++) {
                boolean kept = c == 0 || c - 1 != sample;
                double eta = c == 0 ? s.eta() : s.etaWithout();
                step[row * cols + c] = kept ? eta : 0;
                rhs[row * cols + c] = kept ? r0[row] : 0;
            }
        }
        double[] a;
        try (NDManager m = parent.newSubManager()) {
            NDArray th = m.create(theta, new Shape(size, size));
            if (s.lambda() != 0) {
                th = th.add(Scalars.mul(m.eye(size, size, 0, ai.djl.ndarray.types.DataType.FLOAT64), s.lambda()));
            }
            NDArray h = m.create(step, new Shape(size, cols));
            NDArray r = m.create(rhs, new Shape(size, cols));
            NDArray coef = m.zeros(new Shape(size, cols), ai.djl.ndarray.types.DataType.FLOAT64);
            int every = Math.max(1, s.t() / 100);
            for (int t = 0; t < s.t(); t++) {
                // a result lives in its first operand's manager: the step's temporaries start from prod (in st),
                // only the next coefficients from coef (in m)
                try (NDManager st = m.newSubManager()) {
                    NDArray prod = th.matMul(coef);
                    prod.attach(st);
                    NDArray next = coef.sub(prod.add(r).mul(h));
                    coef.close();
                    coef = next;
                }
                if ((t + 1) % every == 0 || t + 1 == s.t()) {
                    progress.checkCancelled();
                    progress.report("leave-one-out", t + 1, s.t());
                }
            }
            a = coef.toDoubleArray();
        }
        double[] alpha = new double[size];
        double[] without = new double[size * n];
        for (int row = 0; row < size; row++) {
            alpha[row] = a[row * cols];
            System.arraycopy(a, row * cols + 1, without, row * n, n);
        }
        return new Solution(alpha, without, eig[0], eig[1]);
    }

    /** t = ∞: the inverse of Θ_λ and its Woodbury downdate per sample. */
    private static Solution converged(double[] theta, double[] r0, Setting s, double[] eig, Progress progress) {
        int n = s.n();
        int k = s.k();
        int size = n * k;
        DMatrixRMaj thl = new DMatrixRMaj(size, size, true, theta.clone());
        for (int i = 0; i < size; i++) {
            thl.add(i, i, s.lambda());
        }
        DMatrixRMaj inv = inverse(thl);
        double[] alpha = new double[size];
        for (int i = 0; i < size; i++) {
            double v = 0;
            for (int j = 0; j < size; j++) {
                v += inv.get(i, j) * r0[j];
            }
            alpha[i] = -v;
        }
        double[] without = new double[size * n];
        for (int i = 0; i < n; i++) {
            progress.checkCancelled();
            double[] x = woodburySolve(thl, inv, i, k, r0);
            for (int row = 0; row < size; row++) {
                without[row * n + i] = -x[row];
            }
            progress.report("leave-one-out", i + 1, n);
        }
        return new Solution(alpha, without, eig[0], eig[1]);
    }

    /** Θ_λ⁻¹ of a positive definite Θ_λ (Cholesky; LU if rounding makes it fail). */
    static DMatrixRMaj inverse(DMatrixRMaj thl) {
        DMatrixRMaj inv = new DMatrixRMaj(thl.numRows, thl.numCols);
        if (!CommonOps_DDRM.invertSPD(thl.copy(), inv) && !CommonOps_DDRM.invert(thl, inv)) {
            throw new IllegalArgumentException("Θ + λI is singular: give a weight decay λ′ > 0 or a finite number of steps");
        }
        return inv;
    }

    /**
     * Θ_{λ,−i}⁻¹ z[keep] by the Woodbury downdate of F = Θ_λ⁻¹: F11 z − C (A22 + CᵀA12)⁻¹ Cᵀ z, with
     * F11 = F[keep, keep], A12 = Θ_λ[keep, i], A22 = Θ_λ[i, i], C = F11·A12; O(N²k).
     *
     * @param thl Θ_λ, N × N
     * @param inv its inverse F
     * @param i   the sample left out (rows i·k .. i·k + k − 1)
     * @param k   outputs per sample
     * @param z   a vector of length N; its entries on i's rows are ignored
     * @return the solution on the kept rows, 0 on i's rows, length N
     */
    static double[] woodburySolve(DMatrixRMaj thl, DMatrixRMaj inv, int i, int k, double[] z) {
        int size = thl.numRows;
        int lo = i * k;
        int hi = lo + k;
        double[] fz = new double[size];
        double[][] c = new double[k][size]; // column b of C, on the kept rows
        for (int row = 0; row < size; row++) {
            if (row >= lo && row < hi) {
                continue;
            }
            double v = 0;
            double[] cb = new double[k];
            for (int j = 0; j < size; j++) {
                if (j >= lo && j < hi) {
                    continue;
                }
                double f = inv.unsafe_get(row, j);
                v += f * z[j];
                for (int b = 0; b < k; b++) {
                    cb[b] += f * thl.unsafe_get(j, lo + b);
                }
            }
            fz[row] = v;
            for (int b = 0; b < k; b++) {
                c[b][row] = cb[b];
            }
        }
        DMatrixRMaj mid = new DMatrixRMaj(k, k);
        DMatrixRMaj ctz = new DMatrixRMaj(k, 1);
        for (int a = 0; a < k; a++) {
            double v = 0;
            for (int row = 0; row < size; row++) {
                v += c[a][row] * z[row] * (row >= lo && row < hi ? 0 : 1);
            }
            ctz.set(a, 0, v);
            for (int b = 0; b < k; b++) {
                double w = thl.get(lo + a, lo + b);
                for (int row = 0; row < size; row++) {
                    if (row < lo || row >= hi) {
                        w += c[a][row] * thl.unsafe_get(row, lo + b);
                    }
                }
                mid.set(a, b, w);
            }
        }
        DMatrixRMaj y = new DMatrixRMaj(k, 1);
        if (!CommonOps_DDRM.solve(mid, ctz, y)) {
            throw new IllegalStateException("the downdate's " + k + " x " + k + " system for sample " + i + " is singular");
        }
        double[] out = new double[size];
        for (int row = 0; row < size; row++) {
            if (row >= lo && row < hi) {
                continue;
            }
            double v = fz[row];
            for (int b = 0; b < k; b++) {
                v -= c[b][row] * y.get(b, 0);
            }
            out[row] = v;
        }
        return out;
    }

    /**
     * The authors' route for one sample, for the tests: (I − η_{−i}Θ_{λ,−i})^t by repeated squaring, then
     * α_{−i} = −Θ_{λ,−i}⁻¹(I − E)r0[keep] with the Woodbury downdate.
     *
     * @return α_{−i} on the kept rows, 0 on i's, length N
     */
    static double[] byMatrixPower(double[] theta, double[] r0, Setting s, int i) {
        int n = s.n();
        int k = s.k();
        int size = n * k;
        DMatrixRMaj thl = new DMatrixRMaj(size, size, true, theta.clone());
        for (int j = 0; j < size; j++) {
            thl.add(j, j, s.lambda());
        }
        int[] keep = new int[size - k];
        for (int row = 0, q = 0; row < size; row++) {
            if (row / k != i) {
                keep[q++] = row;
            }
        }
        int m = keep.length;
        DMatrixRMaj step = new DMatrixRMaj(m, m);
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                step.set(a, b, (a == b ? 1 : 0) - s.etaWithout() * thl.get(keep[a], keep[b]));
            }
        }
        DMatrixRMaj e = CommonOps_DDRM.identity(m);
        DMatrixRMaj base = step;
        for (int t = s.t(); t > 0; t >>= 1) {
            if ((t & 1) == 1) {
                DMatrixRMaj p = new DMatrixRMaj(m, m);
                CommonOps_DDRM.mult(e, base, p);
                e = p;
            }
            if (t > 1) {
                DMatrixRMaj sq = new DMatrixRMaj(m, m);
                CommonOps_DDRM.mult(base, base, sq);
                base = sq;
            }
        }
        double[] z = new double[size];
        for (int a = 0; a < m; a++) {
            double v = r0[keep[a]];
            for (int b = 0; b < m; b++) {
                v -= e.get(a, b) * r0[keep[b]];
            }
            z[keep[a]] = v;
        }
        double[] x = woodburySolve(thl, inverse(thl), i, k, z);
        for (int row = 0; row < size; row++) {
            x[row] = -x[row];
        }
        return x;
    }
}
