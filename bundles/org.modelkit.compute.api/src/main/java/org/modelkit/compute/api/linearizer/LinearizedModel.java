package org.modelkit.compute.api.linearizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * {@code f_lin(x; w) = f(x; w0) + J(x; w0)(w - w0)} for a batch x of shape {@code [batch, ...]} with
 * outputs of shape {@code [batch, k]}. Tangents and cotangents of the weights are {@link NDList}s with
 * one array per linearized parameter, in the order of {@link #parameterNames()} and of its shape. Every
 * product stays on the device. For several products on one batch, bind it once with {@link #at(NDArray)}.
 * Not thread-safe.
 */
@ProviderType
public interface LinearizedModel extends AutoCloseable {
    /** @return the names of the linearized parameters, in the order of every weight-shaped NDList */
    List<String> parameterNames();

    /** @return w0 of the linearized parameters (read-only views; do not close) */
    NDList weights0();

    /** @return the number of linearized scalars, the length of a Jacobian row */
    long parameterCount();

    /** @return k, the number of outputs per sample */
    int outputs();

    /**
     * @param x a batch
     * @return f(x; w0), shape {@code [batch, k]}
     */
    NDArray f0(NDArray x);

    /**
     * The Jacobian-vector product.
     *
     * @param x a batch
     * @param v a tangent, shaped like {@link #weights0()}
     * @return J(x; w0)·v, shape {@code [batch, k]}
     * @throws IllegalArgumentException if v does not match the parameters' shapes
     */
    NDArray jvp(NDArray x, NDList v);

    /**
     * The vector-Jacobian product, adjoint to {@link #jvp}: {@code <J v, u> = <v, Jᵀ u>}.
     *
     * @param x a batch
     * @param u a cotangent, shape {@code [batch, k]}
     * @return J(x; w0)ᵀ·u, shaped like {@link #weights0()}
     * @throws IllegalArgumentException if u's shape is not {@code [batch, k]}
     */
    NDList vjp(NDArray x, NDArray u);

    /**
     * @param x a batch
     * @param w weights shaped like {@link #weights0()}
     * @return f0(x) + J(x; w0)(w - w0), shape {@code [batch, k]}; at w = w0 exactly f0(x)
     */
    NDArray forward(NDArray x, NDList w);

    /**
     * Binds the model to one batch: the primal pass of x is done now and reused by every product of the
     * returned batch, where {@link #jvp}, {@link #vjp}, {@link #forward} and {@link #jacobian} each do
     * their own.
     *
     * @param x a batch {@code [batch, ...]}; it must stay open while the batch is used
     * @return the batch-bound operator; close it when done
     * @throws IllegalArgumentException if x is not a batch
     */
    LinearizedBatch at(NDArray x);

    /**
     * Per-sample Jacobian rows, for small heads or with a random projection.
     *
     * @param x          a batch
     * @param projection which coordinates to keep
     * @return shape {@code [batch·k, d']}: row {@code i·k + c} is the gradient of output c of sample i
     *         with respect to the (projected) linearized parameters
     */
    NDArray jacobian(NDArray x, Projection projection);

    /**
     * The empirical neural tangent kernel between two batches: {@code J(x1) J(x2)ᵀ} with the same
     * projection on both sides.
     *
     * @param x1         a batch
     * @param x2         another batch (or the same)
     * @param projection which coordinates to keep
     * @return shape {@code [batch1·k, batch2·k]}
     */
    default NDArray ntk(NDArray x1, NDArray x2, Projection projection) {
        try (NDArray j1 = jacobian(x1, projection); NDArray j2 = jacobian(x2, projection)) {
            return j1.matMul(j2.transpose());
        }
    }

    /** Frees the model's arrays. */
    @Override
    void close();
}
