package org.modelkit.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Non-overlapping 2-D pooling (stride = kernel, no padding, remainder rows and columns dropped), max or
 * average, as a block that tells its kernel (DJL's pooling blocks are lambdas that hide it).
 */
public final class Pool2d extends AbstractBlock {
    private final boolean max;
    private final int kernel;

    /**
     * @param max    max pooling if true, average pooling if false
     * @param kernel the window side, at least 1
     */
    public Pool2d(boolean max, int kernel) {
        super((byte) 1);
        if (kernel < 1) {
            throw new IllegalArgumentException("kernel " + kernel + " must be at least 1");
        }
        this.max = max;
        this.kernel = kernel;
    }

    /** @return whether this is max pooling */
    public boolean isMax() {
        return max;
    }

    /** @return the window side (and stride) */
    public int kernel() {
        return kernel;
    }

    /**
     * @param x   {@code [n, c, h, w]}
     * @param max max or average
     * @param k   the window side
     * @return the pooled array
     */
    public static NDArray pool(NDArray x, boolean max, int k) {
        Shape s = new Shape(k, k);
        Shape zero = new Shape(0, 0);
        return max ? Pool.maxPool2d(x, s, s, zero, false) : Pool.avgPool2d(x, s, s, zero, false, true);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(pool(inputs.singletonOrThrow(), max, kernel));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        Shape x = in[0];
        return new Shape[] {new Shape(x.get(0), x.get(1), x.get(2) / kernel, x.get(3) / kernel)};
    }
}
