package org.modelkit.linearizer.lqf.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.modelkit.api.finetune.Solver;
import org.modelkit.api.progress.Progress;

/**
 * The LQF problem on a training set: with δ = w - w0 over the linearized parameters,
 * {@code L(δ) = 1/(2N) Σ_i ||f0(x_i) + J(x_i) δ - α e_{y_i}||² + λ/2 ||δ||²}, a convex quadratic with the
 * constant Hessian {@code JᵀJ/N + λI} and a unique minimiser. The primal pass is recorded once; every
 * step is one tangent pass and one backward pass through it (giving L and ∇L exactly).
 */
final class Quadratic implements AutoCloseable {
    final TangentModel model;
    private final NDManager manager;
    private final Pass.Trace trace;
    private final NDArray target;
    private final double lambda;
    private final long n;

    /**
     * @param model  the linearized model
     * @param x      the training samples (kept, with the recorded pass, until {@link #close()})
     * @param labels class indices, int64 [N]
     * @param alpha  the scale of the one-hot targets
     * @param lambda weight decay towards w0
     */
    Quadratic(TangentModel model, NDArray x, NDArray labels, double alpha, double lambda) {
        this.model = model;
        this.manager = x.getManager().newSubManager();
        x.tempAttach(manager);
        this.trace = model.trace(x);
        this.target = labels.oneHot(model.outputs()).toType(trace.output.getDataType(), false).mul(alpha)
                .sub(trace.output);
        target.attach(manager);
        this.lambda = lambda;
        this.n = x.getShape().get(0);
    }

    /** @return zeros shaped like the linearized parameters */
    NDList zeros(NDManager m) {
        NDList z = new NDList();
        for (Net.Param p : model.net.linearized) {
            z.add(m.zeros(p.w0().getShape(), p.w0().getDataType()));
        }
        return z;
    }

    /** The loss and its gradient at δ; the gradient lives in {@code out}. */
    double lossAndGradient(NDList delta, NDList grad, NDManager out) {
        try (NDManager sub = manager.newSubManager()) {
            trace.borrow(sub);
            NDList leaves = new NDList();
            for (NDArray d : delta) {
                NDArray l = d.duplicate();
                l.attach(sub);
                l.setRequiresGradient(true);
                leaves.add(l);
            }
            double value;
            try (GradientCollector gc = sub.getEngine().newGradientCollector()) {
                NDArray r = model.jvp(trace, leaves).sub(target);
                NDArray loss = r.square().sum().div(2.0 * n);
                for (NDArray l : leaves) {
                    loss = loss.add(l.square().sum().mul(lambda / 2));
                }
                gc.backward(loss);
                value = loss.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            }
            if (grad != null) {
                grad.clear();
                for (NDArray l : leaves) {
                    NDArray g = l.getGradient().duplicate();
                    g.attach(out);
                    grad.add(g);
                }
            }
            return value;
        }
    }

    /** H·v = Jᵀ J v / N + λ v, for the power iteration that finds gradient descent's largest stable step. */
    NDList hessianTimes(NDList v, NDManager out) {
        try (NDManager sub = manager.newSubManager()) {
            trace.borrow(sub);
            NDArray jv = model.jvp(trace, v);
            jv.attach(sub);
            NDList h = model.vjp(trace, jv, out);
            for (int i = 0; i < h.size(); i++) {
                h.set(i, h.get(i).div(n).add(v.get(i).mul(lambda)));
                h.get(i).attach(out);
            }
            return h;
        }
    }

    /** The largest eigenvalue of the Hessian, by 30 steps of power iteration from a fixed start. */
    double largestEigenvalue() {
        try (NDManager sub = manager.newSubManager()) {
            sub.getEngine().setRandomSeed(17);
            NDList v = new NDList();
            for (Net.Param p : model.net.linearized) {
                v.add(sub.randomNormal(p.w0().getShape(), p.w0().getDataType()));
            }
            double est = 0;
            for (int it = 0; it < 30; it++) {
                double norm = Math.sqrt(dot(v, v));
                for (int i = 0; i < v.size(); i++) {
                    v.set(i, v.get(i).div(norm));
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
     * @param kfac     the factors (K-FAC only)
     * @param rate     the step size; for K-FAC 0 means the exact line search
     * @param steps    how many steps
     * @param progress "step" reports, cancellation between steps
     * @return L before the first step and after every step
     */
    double[] minimise(NDList delta, Solver solver, Kfac kfac, double rate, int steps, Progress progress) {
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
                        update.add(g.mul(-rate));
                    }
                } else {
                    NDList d = kfac.precondition(grad);
                    for (int i = 0; i < d.size(); i++) {
                        d.set(i, d.get(i).neg());
                    }
                    if (rate > 0) {
                        for (NDArray a : d) {
                            update.add(a.mul(rate));
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
                            NDArray u = d.get(i).mul(a);
                            update.add(b == 0 ? u : u.add(previous.get(i).mul(b)));
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
        manager.close();
    }
}
