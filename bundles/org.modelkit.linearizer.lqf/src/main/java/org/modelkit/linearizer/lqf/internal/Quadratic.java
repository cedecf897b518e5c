package org.modelkit.linearizer.lqf.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.modelkit.api.finetune.Solver;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.linearizer.LinearizedBatch;
import org.modelkit.compute.api.linearizer.LinearizedModel;
import org.modelkit.compute.api.linearizer.Preconditioner;
import org.modelkit.nn.Scalars;

/**
 * The LQF problem on a training set: with δ = w - w0 over the linearized parameters,
 * {@code L(δ) = 1/(2N) Σ_i ||f0(x_i) + J(x_i) δ - α e_{y_i}||² + λ/2 ||δ||²}, a convex quadratic with the
 * constant Hessian {@code JᵀJ/N + λI} and a unique minimiser. Built on the {@link LinearizedModel} SPI
 * alone: the training set is bound once ({@link LinearizedModel#at}), and every step is one J·v over the
 * recorded pass and one Jᵀ·u (the ordinary backward pass at w0), giving L and
 * {@code ∇L = Jᵀ r / N + λ δ} exactly, with r the residual.
 */
final class Quadratic implements AutoCloseable {
    private final LinearizedModel model;
    private final LinearizedBatch batch;
    private final NDManager manager;
    private final NDArray target;
    private final double lambda;
    private final long n;

    /**
     * @param model  the linearized model
     * @param x      the training samples (bound, with the recorded pass, until {@link #close()})
     * @param labels class indices, int64 [N]
     * @param alpha  the scale of the one-hot targets
     * @param lambda weight decay towards w0
     */
    Quadratic(LinearizedModel model, NDArray x, NDArray labels, double alpha, double lambda) {
        this.model = model;
        this.manager = x.getManager().newSubManager();
        this.batch = model.at(x);
        try {
            NDArray f0 = batch.f0();
            this.target = Scalars.mul(labels.oneHot(model.outputs()).toType(f0.getDataType(), false), alpha).sub(f0);
            target.attach(manager);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.lambda = lambda;
        this.n = x.getShape().get(0);
    }

    /** @return the bound training set, for its curvature ({@link LinearizedBatch#kfac}) */
    LinearizedBatch batch() {
        return batch;
    }

    /** @return zeros shaped like the linearized parameters */
    NDList zeros(NDManager m) {
        NDList z = new NDList();
        for (NDArray w : model.weights0()) {
            z.add(m.zeros(w.getShape(), w.getDataType()));
        }
        return z;
    }

    /** Copies of v in m, so that the products derived from them live (and die) there. */
    private static NDList copies(NDList v, NDManager m) {
        NDList out = new NDList();
        for (NDArray a : v) {
            NDArray c = a.duplicate();
            c.attach(m);
            out.add(c);
        }
        return out;
    }

    /** The loss and its gradient at δ; the gradient lives in {@code out}. */
    double lossAndGradient(NDList delta, NDList grad, NDManager out) {
        try (NDManager sub = manager.newSubManager()) {
            NDList d = copies(delta, sub);
            NDArray r = batch.jvp(d).sub(target);
            double value = r.square().sum().toType(DataType.FLOAT64, false).getDouble() / (2.0 * n)
                    + lambda / 2 * dot(d, d);
            if (grad != null) {
                grad.clear();
                NDList jr = batch.vjp(r);
                for (int i = 0; i < jr.size(); i++) {
                    NDArray g = Scalars.div(jr.get(i), n).add(Scalars.mul(d.get(i), lambda));
                    g.attach(out);
                    grad.add(g);
                }
            }
            return value;
        }
    }

    /** H·v = Jᵀ J v / N + λ v, for the power iteration and K-FAC's exact step. */
    NDList hessianTimes(NDList v, NDManager out) {
        try (NDManager sub = manager.newSubManager()) {
            NDList c = copies(v, sub);
            NDList h = batch.vjp(batch.jvp(c));
            for (int i = 0; i < h.size(); i++) {
                NDArray hv = Scalars.div(h.get(i), n).add(Scalars.mul(c.get(i), lambda));
                hv.attach(out);
                h.set(i, hv);
            }
            return h;
        }
    }

    /** The largest eigenvalue of the Hessian, by 30 steps of power iteration from a fixed start. */
    double largestEigenvalue() {
        try (NDManager sub = manager.newSubManager()) {
            sub.getEngine().setRandomSeed(17);
            NDList v = new NDList();
            for (NDArray w : model.weights0()) {
                v.add(sub.randomNormal(w.getShape(), w.getDataType()));
            }
            double est = 0;
            for (int it = 0; it < 30; it++) {
                double norm = Math.sqrt(dot(v, v));
                for (int i = 0; i < v.size(); i++) {
                    v.set(i, Scalars.div(v.get(i), norm));
                }
                NDList hv = hessianTimes(v, sub);
                est = dot(v, hv);
                v = hv;
            }
            return est;
        }
    }

    static double dot(NDList a, NDList b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.get(i).mul(b.get(i)).sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
        }
        return s;
    }

    /**
     * Minimises L from δ0. Gradient descent takes fixed steps. K-FAC takes the preconditioned direction
     * d = -P∇L and, unless a fixed rate is given, Martens and Grosse's update: the a·d + b·(previous
     * update) that minimises the quadratic model exactly (two more Hessian products per step; the model
     * is exact here because L is quadratic, so every step decreases L).
     *
     * @param delta    δ0, updated in place to the result
     * @param solver   K-FAC or gradient descent
     * @param kfac     the preconditioner (K-FAC only)
     * @param rate     the step size; for K-FAC 0 means the exact line search
     * @param steps    how many steps
     * @param progress "step" reports, cancellation between steps
     * @return L before the first step and after every step
     */
    double[] minimise(NDList delta, Solver solver, Preconditioner kfac, double rate, int steps, Progress progress) {
        double[] loss = new double[steps + 1];
        NDManager owner = delta.head().getManager();
        NDList previous = null; // the last update, for K-FAC's momentum
        for (int s = 0; s < steps; s++) {
            progress.checkCancelled();
            NDList update = new NDList();
            try (NDManager step = manager.newSubManager()) {
                NDList grad = new NDList();
                loss[s] = lossAndGradient(delta, grad, step);
                if (solver == Solver.GD) {
                    for (NDArray g : grad) {
                        update.add(Scalars.mul(g, -rate));
                    }
                } else {
                    NDList d = kfac.solve(grad);
                    for (int i = 0; i < d.size(); i++) {
                        d.set(i, d.get(i).neg());
                    }
                    if (rate > 0) {
                        for (NDArray a : d) {
                            update.add(Scalars.mul(a, rate));
                        }
                    } else {
                        // Martens and Grosse's step: minimise the quadratic exactly over a·d + b·previous
                        NDList hd = hessianTimes(d, step);
                        double dHd = dot(d, hd);
                        double gd = dot(grad, d);
                        double a;
                        double b = 0;
                        if (previous == null) {
                            a = dHd > 0 ? -gd / dHd : 0;
                        } else {
                            NDList hp = hessianTimes(previous, step);
                            double pHp = dot(previous, hp);
                            double dHp = dot(d, hp);
                            double gp = dot(grad, previous);
                            double det = dHd * pHp - dHp * dHp;
                            if (det > 1e-12 * Math.abs(dHd * pHp)) {
                                a = (-gd * pHp + gp * dHp) / det;
                                b = (-gp * dHd + gd * dHp) / det;
                            } else {
                                a = dHd > 0 ? -gd / dHd : 0;
                            }
                        }
                        for (int i = 0; i < d.size(); i++) {
                            NDArray u = Scalars.mul(d.get(i), a);
                            update.add(b == 0 ? u : u.add(Scalars.mul(previous.get(i), b)));
                        }
                    }
                }
                for (int i = 0; i < delta.size(); i++) {
                    NDArray next = delta.get(i).add(update.get(i));
                    next.attach(owner);
                    delta.get(i).close();
                    delta.set(i, next);
                    update.get(i).attach(owner);
                }
            }
            if (previous != null) {
                previous.close();
            }
            previous = update;
            progress.report("step", s + 1, steps);
        }
        if (previous != null) {
            previous.close();
        }
        try (NDManager last = manager.newSubManager()) {
            loss[steps] = lossAndGradient(delta, null, last);
        }
        return loss;
    }

    @Override
    public void close() {
        if (batch != null) {
            batch.close();
        }
        manager.close();
    }
}
