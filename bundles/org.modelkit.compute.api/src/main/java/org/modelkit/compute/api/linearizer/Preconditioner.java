package org.modelkit.compute.api.linearizer;

import ai.djl.ndarray.NDList;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An approximate inverse curvature P ≈ (JᵀJ/N + damping)⁻¹ of a linearized model on a batch, for
 * preconditioned gradient steps and conjugate-gradient solves; from {@link LinearizedBatch#kfac(double)}.
 * Symmetric positive definite. Not thread-safe.
 */
@ProviderType
public interface Preconditioner extends AutoCloseable {
    /**
     * @param g a vector shaped like {@link LinearizedModel#weights0()}, for example a gradient
     * @return P·g, shaped like g, in g's manager
     * @throws IllegalArgumentException if g does not match the parameters' shapes
     */
    NDList solve(NDList g);

    /** Frees the factors. */
    @Override
    void close();
}
