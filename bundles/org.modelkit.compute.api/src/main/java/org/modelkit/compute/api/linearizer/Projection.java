package org.modelkit.compute.api.linearizer;

/**
 * A random coordinate projection of Jacobian rows, as in the smooth-unique-information and
 * training-time papers: from every parameter tensor with more than {@code perTensor} scalars, keep
 * {@code perTensor} random coordinates (chosen with {@code seed}) scaled by
 * {@code sqrt(size / perTensor)}, so inner products are unbiased; smaller tensors are kept whole.
 *
 * @param perTensor coordinates kept per tensor; 0 keeps everything (no projection)
 * @param seed      for the choice of coordinates; the same seed gives the same coordinates
 */
public record Projection(int perTensor, long seed) {
    /** No projection: full Jacobian rows. */
    public static final Projection NONE = new Projection(0, 0);

    /** @throws IllegalArgumentException if perTensor is negative */
    public Projection {
        if (perTensor < 0) {
            throw new IllegalArgumentException("perTensor = " + perTensor + " must be 0 (none) or positive");
        }
    }

    /** @return whether coordinates are dropped */
    public boolean projects() {
        return perTensor > 0;
    }
}
