package org.modelkit.compute.api.linearizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A {@link LinearizedModel} bound to one batch x, from {@link LinearizedModel#at(NDArray)}: the primal
 * pass of x at w0 is done once, when the batch is made, and every product reuses it, so a conjugate
 * gradient solve, a power iteration or a fine-tuning loop over one batch pays for it once. Each answer
 * equals the corresponding {@link LinearizedModel} call on x. Results are attached to the manager of the
 * argument (v's first array, u, w's first array); {@link #f0()} belongs to the batch. Not thread-safe.
 * Close it to free the recorded pass (x itself stays where it was).
 */
@ProviderType
public interface LinearizedBatch extends AutoCloseable {
    /** @return the number of samples in the batch */
    long size();

    /** @return f(x; w0), shape {@code [batch, k]}; owned by the batch (do not close) */
    NDArray f0();

    /**
     * @param v a tangent, shaped like {@link LinearizedModel#weights0()}
     * @return J(x; w0)·v, shape {@code [batch, k]}, in v's manager
     * @throws IllegalArgumentException if v does not match the parameters' shapes
     */
    NDArray jvp(NDList v);

    /**
     * The ordinary backward pass of f at w0 (for the linearized model, Jᵀ·u does not depend on w).
     *
     * @param u a cotangent, shape {@code [batch, k]}
     * @return J(x; w0)ᵀ·u, shaped like {@link LinearizedModel#weights0()}, in u's manager
     * @throws IllegalArgumentException if u's shape is not {@code [batch, k]}
     */
    NDList vjp(NDArray u);

    /**
     * @param w weights shaped like {@link LinearizedModel#weights0()}
     * @return f0 + J(w - w0), shape {@code [batch, k]}, in w's manager
     */
    NDArray forward(NDList w);

    /**
     * @param projection which coordinates to keep
     * @return the per-sample Jacobian rows, as {@link LinearizedModel#jacobian}, in x's manager
     */
    NDArray jacobian(Projection projection);

    /**
     * Kronecker-factored curvature of this batch (Martens and Grosse 2015; Grosse and Martens 2016 for
     * convolutions): for every Linear and Conv layer whose weight is linearized, {@code JᵀJ/N} on that
     * layer's block is approximated by {@code G ⊗ A} (A from the layer's inputs, G from the derivatives of
     * the outputs with respect to the layer's output), damped, and inverted once. Parameters in no such
     * layer are passed through unpreconditioned.
     *
     * @param damping γ &gt; 0, split as factored Tikhonov damping √γ between the two factors
     * @return the preconditioner; it outlives the batch and is closed on its own
     * @throws IllegalArgumentException if damping is not positive and finite
     */
    Preconditioner kfac(double damping);

    /** Frees the recorded primal pass. */
    @Override
    void close();
}
