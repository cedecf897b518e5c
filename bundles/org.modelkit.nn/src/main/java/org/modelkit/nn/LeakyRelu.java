package org.modelkit.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Leaky ReLU, {@code max(slope·x, x)}, as a block that tells its slope ({@code slope = 0} is ReLU). DJL's
 * own activation blocks are lambdas that hide their constants, so a linearizer could not propagate
 * tangents through them.
 */
public final class LeakyRelu extends AbstractBlock {
    private final float slope;

    /** @param slope the slope for negative inputs, in [0, 1) */
    public LeakyRelu(float slope) {
        super((byte) 1);
        if (!(slope >= 0 && slope < 1)) {
            throw new IllegalArgumentException("slope " + slope + " must lie in [0, 1)");
        }
        this.slope = slope;
    }

    /** @return the slope for negative inputs (0: ReLU) */
    public float slope() {
        return slope;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(slope == 0 ? Activation.relu(inputs.singletonOrThrow())
                : Activation.leakyRelu(inputs.singletonOrThrow(), slope));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    public String toString() {
        return slope == 0 ? "ReLU" : "LeakyReLU(" + slope + ")";
    }
}
