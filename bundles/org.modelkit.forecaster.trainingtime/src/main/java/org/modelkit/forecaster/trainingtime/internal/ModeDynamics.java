package org.modelkit.forecaster.trainingtime.internal;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.trainingtime.TrainingPlan;

/**
 * Fine-tuning of the linearized model in the eigenbasis of its Gram matrix (Zancato et al.,
 * arXiv:2008.12478, as the bundle README reconstructs it). With J ∈ R^{NC×P} the Jacobian at w0, Θ = JJᵀ =
 * UΛUᵀ and the residual r = vec(f − Y), one step of heavy-ball SGD with rate η, momentum m and weight decay
 * ω (towards 0, as the training loop decays) on {@code L = 1/(2N) Σ ‖f(x_i) − α e_{y_i}‖²} moves each mode
 * of the mean residual μ = Uᵀ r independently:
 * <pre>
 *   μ_k(t+1) = (1 + m − η(λ_k/N + ω)) μ_k(t) − m μ_k(t−1) + ηω q_k,   μ_k(−1) = μ_k(0) = p_k
 * </pre>
 * with p = Uᵀ r0 and q = Uᵀ(r0 − J w0) (J w0: the decay pulls every weight, not only the change, to 0).
 * Gradient descent is m = 0; the notes' "effective rate" η/(1 − m) is this recurrence's slow-mode limit
 * and is available as an option. Mini-batches of B < N samples add, per mode, the diagonal mean-field
 * closure of the notes for the variance around the mean (momentum 0 only):
 * <pre>
 *   s_k ← a_k² s_k + c·(η²λ_k²/(B N²))·(Σ_j M_j / C − M_k),   M = μ² + s,   c = (N − B)/(N − 1)
 * </pre>
 * (c for batches drawn without replacement, as {@code Training.trainMse} draws them), and the loss is
 * {@code E[L_t] = Σ_k M_k / (2N)}. Everything is float64; Θ's eigendecomposition is EJML's symmetric one.
 */
final class ModeDynamics {
    /** How momentum enters: the exact two-step recurrence, or GD at the effective rate η/(1 − m). */
    enum Momentum {
        EXACT, EFFECTIVE_RATE
    }

    private final int n;
    private final int c;
    private final double[] lambda;
    private final DMatrixRMaj u;
    private final double[] p;
    private final double[] q;
    private final double scale;

    /**
     * @param samples N, the number of training samples the prediction is for
     * @param outputs C
     * @param lambda  Θ's eigenvalues (of the samples it was formed from), any order
     * @param u       the matching eigenvectors as columns, [NC × NC] of the samples Θ was formed from
     * @param p       Uᵀ r0
     * @param q       Uᵀ (r0 − J w0), or null without weight decay
     * @param scale   N/n when Θ comes from a subset of n samples (eigenvalues and p_k² scale by it), else 1
     */
    ModeDynamics(int samples, int outputs, double[] lambda, DMatrixRMaj u, double[] p, double[] q, double scale) {
        this.n = samples;
        this.c = outputs;
        this.lambda = lambda.clone();
        this.u = u;
        this.p = p.clone();
        this.q = q == null ? null : q.clone();
        this.scale = scale;
    }

    /**
     * Decomposes Θ.
     *
     * @param theta   JJᵀ [NC × NC] (row i·C + c), symmetric
     * @param r0      vec(f0 − Y)
     * @param rw      vec(f0 − Y − J w0), or null
     * @param samples N
     * @param outputs C
     * @param scale   N/n for a subset, else 1
     * @return the dynamics
     * @throws IllegalStateException if the eigendecomposition fails
     */
    static ModeDynamics of(DMatrixRMaj theta, double[] r0, double[] rw, int samples, int outputs, double scale) {
        int m = theta.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m, true, true);
        if (!eig.decompose(theta.copy())) {
            throw new IllegalStateException("the eigendecomposition of the " + m + "x" + m + " Gram matrix failed");
        }
        double[] lam = new double[m];
        DMatrixRMaj u = new DMatrixRMaj(m, m);
        for (int k = 0; k < m; k++) {
            lam[k] = Math.max(0, eig.getEigenvalue(k).getReal()); // Θ is positive semi-definite; rounding may dip below 0
            DMatrixRMaj v = eig.getEigenVector(k);
            for (int i = 0; i < m; i++) {
                u.set(i, k, v.get(i, 0));
            }
        }
        return new ModeDynamics(samples, outputs, lam, u, project(u, r0), rw == null ? null : project(u, rw), scale);
    }

    private static double[] project(DMatrixRMaj u, double[] r) {
        int m = u.numRows;
        double[] out = new double[m];
        for (int i = 0; i < m; i++) {
            double ri = r[i];
            for (int k = 0; k < m; k++) {
                out[k] += u.get(i, k) * ri;
            }
        }
        return out;
    }

    /** @return the largest eigenvalue of Θ (scaled to N samples) */
    double largestEigenvalue() {
        double max = 0;
        for (double l : lambda) {
            max = Math.max(max, l);
        }
        return max * scale;
    }

    /** @return the eigenvalues of Θ scaled to N samples, as stored (any order) */
    double[] eigenvalues() {
        double[] out = lambda.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= scale;
        }
        return out;
    }

    /** @return the eigenvectors as columns */
    DMatrixRMaj eigenvectors() {
        return u;
    }

    /**
     * The largest stable rate of a plan's momentum and decay: the recurrence's modes stay bounded while
     * {@code η(λ_max/N + ω) < 2(1 + m)} (exact), {@code η(λ_max/N + ω)/(1 − m) < 2} (effective rate).
     *
     * @return the bound on η
     */
    double largestStableRate(TrainingPlan plan, Momentum how) {
        double curv = largestEigenvalue() / n + plan.weightDecay();
        return how == Momentum.EXACT ? 2 * (1 + plan.momentum()) / curv : 2 * (1 - plan.momentum()) / curv;
    }

    /**
     * Predicts the plan's curve.
     *
     * @param plan     rate, momentum, decay, batch, steps, target
     * @param how      how momentum enters
     * @param noise    whether mini-batches add the mean-field variance (momentum 0, B &lt; N)
     * @param progress one "predicted steps" report per 100 steps; may cancel
     * @return per point (before step 0, after each step) the expected loss and the mean residual's modes
     *         (scaled to N samples; {@code U μ_t / √scale} is the residual of the samples Θ came from)
     * @throws IllegalArgumentException naming λ_max and the largest stable rate if the plan diverges, or
     *                                  if the batch is larger than N
     */
    Curve predict(TrainingPlan plan, Momentum how, boolean noise, Progress progress) {
        if (plan.batchSize() > n) {
            throw new IllegalArgumentException("batch " + plan.batchSize() + " is larger than the " + n + " training samples");
        }
        double stable = largestStableRate(plan, how);
        if (!(plan.learningRate() < stable)) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "learning rate %s diverges on the"
                    + " linearized model: λ_max(Θ) = %.4g over N = %d samples, so the largest stable rate is %.4g", plan.learningRate(),
                    largestEigenvalue(), n, stable));
        }
        int m = lambda.length;
        int steps = plan.steps();
        boolean effective = how == Momentum.EFFECTIVE_RATE && plan.momentum() > 0;
        double eta = effective ? plan.learningRate() / (1 - plan.momentum()) : plan.learningRate();
        double mom = effective ? 0 : plan.momentum();
        double omega = plan.weightDecay();
        boolean withNoise = noise && plan.batchSize() < n && mom == 0;
        double withoutReplacement = n > 1 ? (double) (n - plan.batchSize()) / (n - 1) : 0;
        double[] lam = new double[m];
        double[] a = new double[m];
        double[] b = new double[m];
        double[] mu = new double[m];
        double[] prev = new double[m];
        double[] s = new double[m];
        for (int k = 0; k < m; k++) {
            lam[k] = lambda[k] * scale;
            a[k] = 1 + mom - eta * (lam[k] / n + omega);
            b[k] = q == null ? 0 : eta * omega * q[k] * Math.sqrt(scale);
            mu[k] = p[k] * Math.sqrt(scale);
            prev[k] = mu[k];
        }
        double[] loss = new double[steps + 1];
        double[][] means = new double[steps + 1][];
        loss[0] = sumSquares(mu) / (2.0 * n);
        means[0] = mu.clone();
        double noiseFactor = withNoise ? withoutReplacement * eta * eta / ((double) plan.batchSize() * n * n) : 0;
        for (int t = 1; t <= steps; t++) {
            if (t % 100 == 0) {
                progress.checkCancelled();
                progress.report("predicted steps", t, steps);
            }
            double total = 0;
            if (withNoise) {
                for (int k = 0; k < m; k++) {
                    total += mu[k] * mu[k] + s[k];
                }
            }
            double l = 0;
            for (int k = 0; k < m; k++) {
                double next = a[k] * mu[k] - mom * prev[k] + b[k];
                if (withNoise) {
                    double second = mu[k] * mu[k] + s[k];
                    double ak = 1 - eta * (lam[k] / n + omega);
                    s[k] = ak * ak * s[k] + noiseFactor * lam[k] * lam[k] * (total / c - second);
                    if (s[k] < 0) {
                        s[k] = 0;
                    }
                }
                prev[k] = mu[k];
                mu[k] = next;
                l += next * next + s[k];
            }
            loss[t] = l / (2.0 * n);
            means[t] = mu.clone();
        }
        if (steps >= 100) {
            progress.report("predicted steps", steps, steps);
        }
        return new Curve(loss, means);
    }

    /**
     * @param loss  the expected loss at each point
     * @param means the mean residual's modes at each point (scaled to N samples)
     */
    record Curve(double[] loss, double[][] means) {
    }

    static double sumSquares(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }
}
