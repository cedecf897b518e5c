package org.modelkit.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * DJL's batch normalisation plus the step counter PyTorch keeps beside it ({@code num_batches_tracked}):
 * the number of batches the layer has normalised in training mode. DJL's {@code BatchNorm} has no
 * counter and cannot be subclassed (its constructor is package-private), so this block wraps one. The
 * counter is a parameter of its own ({@value #COUNTER}, no gradient), saved and loaded with the others,
 * which is what lets a teacher that follows a student state entry by state entry copy it (EMAN copies
 * counters instead of averaging them).
 */
public final class CountingBatchNorm extends AbstractBlock {
    /** The name of the counter parameter. */
    public static final String COUNTER = "numBatchesTracked";

    private final BatchNorm norm;
    private final Parameter counter;

    /** A batch norm over axis 1 with DJL's defaults (momentum 0.9 = PyTorch's 0.1, epsilon 1e-5). */
    public CountingBatchNorm() {
        super((byte) 1);
        norm = addChildBlock("BatchNorm", BatchNorm.builder().build());
        counter = addParameter(Parameter.builder().setName(COUNTER).setType(Parameter.Type.OTHER)
                .optRequiresGrad(false).optShape(new Shape(1)).optInitializer(new ConstantInitializer(0)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = norm.forward(store, inputs, training, params);
        if (training) {
            store.getValue(counter, inputs.head().getDevice(), true).addi(1);
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return norm.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        norm.initialize(manager, dataType, inputShapes);
    }
}
