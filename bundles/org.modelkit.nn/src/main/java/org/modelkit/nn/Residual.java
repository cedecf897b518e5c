package org.modelkit.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A residual addition, {@code body(x) + x}: what a linearizer can recognise (DJL's {@code ParallelBlock}
 * joins its branches with an opaque function).
 */
public final class Residual extends AbstractBlock {
    private final Block body;

    /** @param body the branch added to the identity; its output has the input's shape */
    public Residual(Block body) {
        super((byte) 1);
        this.body = addChildBlock("body", body);
    }

    /** @return the branch */
    public Block body() {
        return body;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(body.forward(store, inputs, training, params).singletonOrThrow().add(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
    }
}
