package org.modelkit.forgetter.mixedprivacy.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.modelkit.api.progress.Progress;
import org.modelkit.nn.Scalars;

/**
 * Preconditioned conjugate gradients for {@code H d = g} with H symmetric positive definite, given only
 * as a product {@code v -> H v}, on flat NDArray vectors on the device (written here: DJL has no
 * iterative solver, and the operator is a pair of linearized-network products, not a matrix a library
 * could take). Stops when {@code ‖g − H d‖ <= tolerance·‖g‖} or after {@code maxIterations}; reports
 * every iteration (a count: the cap says nothing of how near convergence is) and checks for cancellation. From d0 = 0 the objective
 * {@code q(d) = ½ dᵀH d − gᵀd} falls at every iteration (in exact arithmetic); {@link Result#objective}
 * records it as {@code −½ dᵀ(g + r)}, which needs no extra product.
 */
final class ConjugateGradient {
    /**
     * @param solution   d, in the right-hand side's manager
     * @param iterations products with H done
     * @param residual   ‖g − H d‖ / ‖g‖ at the end (0 for g = 0)
     * @param objective  q(d) after each iteration
     */
    record Result(NDArray solution, int iterations, double residual, double[] objective) {
    }

    private ConjugateGradient() {
    }

    /**
     * @param h             the product v -> H v (its result in v's manager)
     * @param precondition  z = P r for an approximate inverse P of H, or null for none
     * @param g             the right-hand side
     * @param tolerance     relative residual to stop at
     * @param maxIterations at most this many products with H
     * @param progress      one "cg iterations" report per iteration; may cancel
     * @return the solution and how it got there
     */
    static Result solve(UnaryOperator<NDArray> h, UnaryOperator<NDArray> precondition, NDArray g, double tolerance,
            int maxIterations, Progress progress) {
        NDManager m = g.getManager();
        double gNorm = Math.sqrt(dot(g, g));
        NDArray x = g.zerosLike();
        List<Double> objective = new ArrayList<>();
        if (gNorm == 0) {
            return new Result(x, 0, 0, new double[0]);
        }
        NDArray r = g.duplicate();
        NDArray z = precondition == null ? r.duplicate() : precondition.apply(r);
        NDArray p = z.duplicate();
        double rz = dot(r, z);
        double rNorm = gNorm;
        int it = 0;
        while (rNorm > tolerance * gNorm && it < maxIterations) {
            progress.checkCancelled();
            try (NDManager t = m.newSubManager()) {
                NDArray pt = p.duplicate();
                pt.attach(t);
                NDArray hp = h.apply(pt);
                double pHp = dot(pt, hp);
                if (!(pHp > 0)) {
                    throw new IllegalStateException("conjugate gradients: pᵀHp = " + pHp + " at iteration " + (it + 1)
                            + ": the operator is not positive definite (λ must be > 0)");
                }
                double a = rz / pHp;
                NDArray xNext = x.add(Scalars.mul(pt, a));
                NDArray rNext = r.sub(Scalars.mul(hp, a));
                xNext.attach(m);
                rNext.attach(m);
                x.close();
                r.close();
                x = xNext;
                r = rNext;
                NDArray zNext = precondition == null ? r.duplicate() : precondition.apply(r);
                zNext.attach(m);
                double rzNext = dot(r, zNext);
                NDArray pNext = zNext.add(Scalars.mul(pt, rzNext / rz));
                pNext.attach(m);
                z.close();
                p.close();
                z = zNext;
                p = pNext;
                rz = rzNext;
                rNorm = Math.sqrt(dot(r, r));
                objective.add(-0.5 * (dot(x, g) + dot(x, r)));
            }
            it++;
            progress.report("cg iterations", it, -1); // the cap is no measure of how far it is
        }
        r.close();
        z.close();
        p.close();
        double[] q = objective.stream().mapToDouble(Double::doubleValue).toArray();
        return new Result(x, it, rNorm / gNorm, q);
    }

    /** @return the inner product of two flat vectors, computed on the device */
    static double dot(NDArray a, NDArray b) {
        try (NDArray p = a.mul(b); NDArray s = p.sum()) {
            return scalar(s);
        }
    }

    /** @return a scalar array's value, float64 or float32 */
    static double scalar(NDArray s) {
        if (s.getDataType() == ai.djl.ndarray.types.DataType.FLOAT64) {
            return s.getDouble();
        }
        try (NDArray d = s.toType(ai.djl.ndarray.types.DataType.FLOAT64, false)) {
            return d.getDouble();
        }
    }
}
