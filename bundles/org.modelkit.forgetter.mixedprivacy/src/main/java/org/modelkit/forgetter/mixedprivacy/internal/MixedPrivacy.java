package org.modelkit.forgetter.mixedprivacy.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.security.SecureRandom;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.linearizer.Preconditioner;
import org.modelkit.nn.Scalars;

/**
 * The steps of mixed-privacy forgetting (Golatkar et al., arXiv:2012.13431) on a {@link MixedLinear}
 * model, as the bundle README reconstructs them:
 * <ul>
 * <li>{@link #fitUser}: the user weights w_u minimise
 * {@code L(w) = 1/(2|D_u|) Σ_{D_u} ‖f_ML(x_i) − α e_{y_i}‖² + λ/2 ‖w‖²}, here by SGD with momentum for a
 * fixed number of epochs (deliberately not to convergence: forgetting must not depend on it);</li>
 * <li>{@link #forget}: one Newton step on the retained rows D_r, {@code w̃ = w − H_r⁻¹ ∇L_r(w)} with
 * {@code H_r v = J_rᵀ(J_r v)/|D_r| + λ v}, solved by conjugate gradients; L_r is quadratic, so the step
 * lands on argmin L_r from any w, and only the solve is approximate;</li>
 * <li>the certificate: by λ-strong convexity {@code ‖w̃ − w_r*‖ ≤ ‖∇L_r(w̃)‖/λ}; publishing
 * {@code w̃ + ε}, ε ~ N(0, σ²I), bounds what remains of the forgotten samples by
 * {@code KL(N(w̃, σ²I) ‖ N(w_r*, σ²I)) ≤ ‖∇L_r(w̃)‖² / (2σ²λ²)} nats;</li>
 * <li>{@link #noisy}: the noise itself.</li>
 * </ul>
 */
final class MixedPrivacy {
    private MixedPrivacy() {
    }

    /**
     * Fits the user weights from 0 by SGD with momentum over shuffled mini-batches.
     *
     * @param ml        the model
     * @param d         the bound user samples
     * @param s         α, λ, epochs, batch, momentum, seed
     * @param progress  one "epoch" report per epoch; may cancel
     * @return w_u, in the model's manager, and the loss after each epoch
     */
    static Fit fitUser(MixedLinear ml, MixedLinear.Data d, MixedSettings s, Progress progress) {
        NDArray w = ml.zeros();
        NDArray all = d.mask(Sampling.range(d.size()));
        double rate = s.learningRate() > 0 ? s.learningRate() : 1 / largestEigenvalue(ml, d, all, d.size(), s.lambda(), 30);
        NDArray velocity = ml.zeros();
        double[] loss = new double[s.epochs()];
        Random rnd = new Random(s.seed());
        for (int e = 0; e < s.epochs(); e++) {
            int[] order = Sampling.permutation(d.size(), rnd);
            for (int from = 0; from < order.length; from += s.batchSize()) {
                progress.checkCancelled();
                int[] rows = java.util.Arrays.copyOfRange(order, from, Math.min(order.length, from + s.batchSize()));
                // every intermediate closed: a step leaked two P-vectors into the model's manager, 3.7 GB per
                // fit of 50,730 float32 weights over 9,300 steps (the Fashion-MNIST benchmark ran out of memory)
                try (NDArray g = d.gradient(w, rows, s.lambda()); NDArray mv = Scalars.mul(velocity, s.momentum())) {
                    NDArray v = mv.add(g);
                    NDArray next;
                    try (NDArray step = Scalars.mul(v, rate)) {
                        next = w.sub(step);
                    }
                    velocity.close();
                    w.close();
                    velocity = v;
                    w = next;
                }
            }
            loss[e] = d.loss(w, all, d.size(), s.lambda());
            progress.report("epoch", e + 1, s.epochs());
        }
        velocity.close();
        all.close();
        return new Fit(w, loss, rate);
    }

    /**
     * @param weights w_u
     * @param loss    L(w_u) after each epoch
     * @param rate    the SGD step size used
     */
    record Fit(NDArray weights, double[] loss, double rate) {
    }

    /** The largest eigenvalue of H over the masked rows, by power iteration from a seeded start. */
    static double largestEigenvalue(MixedLinear ml, MixedLinear.Data d, NDArray mask, double count, double lambda,
            int iterations) {
        Random r = new Random(7);
        double[] start = new double[(int) ml.size()];
        for (int i = 0; i < start.length; i++) {
            start[i] = r.nextGaussian();
        }
        NDArray v = ml.vector(start);
        double ev = 0;
        for (int i = 0; i < iterations; i++) {
            NDArray vn = Scalars.div(v, Math.sqrt(ConjugateGradient.dot(v, v)));
            v.close();
            NDArray hv = d.hvp(vn, mask, count, lambda);
            ev = ConjugateGradient.dot(vn, hv);
            vn.close();
            v = hv;
        }
        v.close();
        return ev;
    }

    /**
     * @param weights      w̃, before noise, in the model's manager
     * @param iterations   conjugate-gradient iterations
     * @param residual     the solve's relative residual
     * @param gradientNorm ‖∇L_r(w̃)‖
     * @param boundNats    ‖∇L_r(w̃)‖² / (2σ²λ²)
     * @param objective    the CG objective after each iteration
     */
    record Step(NDArray weights, int iterations, double residual, double gradientNorm, double boundNats, double[] objective) {
        /** @return the strong-convexity bound on ‖w̃ − w_r*‖ */
        double distanceBound(double lambda) {
            return gradientNorm / lambda;
        }
    }

    /**
     * Forgets every row outside {@code retain}: one Newton step on the retained rows from w.
     *
     * @param ml       the model
     * @param d        the bound user samples
     * @param w        the current user weights (not changed)
     * @param retain   the rows that stay, D_r (not empty)
     * @param s        λ, σ, tolerance, iterations, preconditioner
     * @param progress one "cg iterations" report per iteration; may cancel
     * @return w̃ and the certificate
     */
    static Step forget(MixedLinear ml, MixedLinear.Data d, NDArray w, int[] retain, MixedSettings s, Progress progress) {
        double count = retain.length;
        double lambda = s.lambda();
        if (s.direct()) {
            return direct(ml, d, w, retain, s, progress);
        }
        try (NDArray mask = d.mask(retain); NDArray g = d.gradient(w, mask, count, lambda)) {
            Preconditioner kfac = s.kfac() ? d.kfac(retain, lambda) : null;
            try {
                UnaryOperator<NDArray> pre = kfac == null ? null : r -> {
                    try (NDList z = kfac.solve(ml.split(r))) {
                        NDArray out = MixedLinear.flat(z);
                        out.attach(r.getManager());
                        return out;
                    }
                };
                ConjugateGradient.Result cg = ConjugateGradient.solve(v -> d.hvp(v, mask, count, lambda), pre, g,
                        s.cgTolerance(), s.maxIterations(), progress);
                NDArray wt = w.sub(cg.solution());
                cg.solution().close();
                double gn;
                try (NDArray gt = d.gradient(wt, mask, count, lambda)) {
                    gn = Math.sqrt(ConjugateGradient.dot(gt, gt));
                }
                double nats = gn * gn / (2 * s.sigma() * s.sigma() * lambda * lambda);
                return new Step(wt, cg.iterations(), cg.residual(), gn, nats, cg.objective());
            } finally {
                if (kfac != null) {
                    kfac.close();
                }
            }
        }
    }

    /**
     * The Newton step by a direct solve: argmin L_r, where the step lands from any w, from the normal
     * equations with the Jacobian formed (rows N·k, columns P): dual {@code w̃ = Jᵀ(J Jᵀ + NλI)⁻¹(Y − f0)}
     * when N·k ≤ P, else primal {@code w̃ = (JᵀJ + NλI)⁻¹ Jᵀ(Y − f0)}; the Gram matrix is one GEMM on the
     * device, its Cholesky factorisation in EJML (double precision; DJL has none).
     */
    static Step direct(MixedLinear ml, MixedLinear.Data d, NDArray w, int[] retain, MixedSettings s, Progress progress) {
        double lambda = s.lambda();
        int n = retain.length;
        progress.report("direct solve", 0, 1);
        NDArray wt;
        try (NDManager t = ml.manager().newSubManager()) {
            NDList jf = d.jacobian(retain);
            NDArray j = jf.get(0);
            NDArray y = d.targets(retain);
            jf.attach(t);
            y.attach(t);
            NDArray r = y.sub(jf.get(1)).reshape(-1); // Y − f0, row i·k + c
            long rows = j.getShape().get(0);
            long cols = j.getShape().get(1);
            boolean dual = rows <= cols;
            NDArray gram = dual ? j.matMul(j.transpose()) : j.transpose().matMul(j);
            int m = (int) gram.getShape().get(0);
            org.ejml.data.DMatrixRMaj k = new org.ejml.data.DMatrixRMaj(m, m, true, gram.toDoubleArray());
            for (int i = 0; i < m; i++) {
                k.add(i, i, n * lambda);
            }
            org.ejml.interfaces.linsol.LinearSolverDense<org.ejml.data.DMatrixRMaj> chol =
                    org.ejml.dense.row.factory.LinearSolverFactory_DDRM.chol(m);
            if (!chol.setA(k)) {
                throw new IllegalStateException("the normal equations are not positive definite (λ = " + lambda + ")");
            }
            progress.checkCancelled();
            double[] rhs = dual ? r.toDoubleArray() : j.transpose().matMul(r).toDoubleArray();
            org.ejml.data.DMatrixRMaj a = new org.ejml.data.DMatrixRMaj(m, 1);
            chol.solve(new org.ejml.data.DMatrixRMaj(m, 1, true, rhs), a);
            NDArray sol = t.create(a.getData());
            wt = dual ? j.transpose().matMul(sol) : sol;
            wt.attach(ml.manager());
        }
        progress.report("direct solve", 1, 1);
        double gn;
        double g0;
        try (NDArray mask = d.mask(retain); NDArray gt = d.gradient(wt, mask, n, lambda); NDArray gw = d.gradient(w, mask, n,
                lambda)) {
            gn = Math.sqrt(ConjugateGradient.dot(gt, gt));
            g0 = Math.sqrt(ConjugateGradient.dot(gw, gw));
        }
        double nats = gn * gn / (2 * s.sigma() * s.sigma() * lambda * lambda);
        return new Step(wt, 0, g0 == 0 ? 0 : gn / g0, gn, nats, new double[0]);
    }

    /**
     * @param w     weights
     * @param sigma the noise's standard deviation
     * @param seed  the noise seed, or null for a SecureRandom
     * @return w + ε, ε ~ N(0, σ²I) drawn in Java (the same seed gives the same noise on every backend)
     */
    static NDArray noisy(NDArray w, double sigma, Long seed) {
        Random r = seed == null ? new SecureRandom() : new Random(seed);
        double[] e = new double[(int) w.size()];
        for (int i = 0; i < e.length; i++) {
            e[i] = sigma * r.nextGaussian();
        }
        NDManager m = w.getManager();
        try (NDArray eps = m.create(e).toType(w.getDataType(), false)) {
            return w.add(eps);
        }
    }
}
