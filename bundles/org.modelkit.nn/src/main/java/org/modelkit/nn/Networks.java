package org.modelkit.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * Reference networks for 28x28 (and 32x32) images, as uninitialised DJL blocks. Inputs are
 * {@code [batch, channels, height, width]}; outputs are class scores {@code [batch, classes]}.
 */
public final class Networks {
    /** The non-linearity between layers. */
    public enum Nonlinearity {
        /** max(0, x). */
        RELU,
        /** max(0.01x, x): keeps the linearized problem of LQF well posed. */
        LEAKY_RELU
    }

    private Networks() {
    }

    /** The slope of {@link Nonlinearity#LEAKY_RELU}. */
    public static final float LEAKY_SLOPE = 0.01f;

    private static Block act(Nonlinearity a) {
        return new LeakyRelu(a == Nonlinearity.RELU ? 0f : LEAKY_SLOPE);
    }

    /**
     * A multi-layer perceptron on flattened inputs.
     *
     * @param hidden  widths of the hidden layers (each at least 1)
     * @param classes number of outputs, at least 1
     * @param a       the non-linearity
     * @return the block
     * @throws IllegalArgumentException if a width or the class count is below 1
     */
    public static Block mlp(int[] hidden, int classes, Nonlinearity a) {
        return mlp(hidden, classes, a, false);
    }

    /**
     * A multi-layer perceptron on flattened inputs, with batch normalisation ({@link CountingBatchNorm})
     * after each hidden linear layer if asked (linear, BN, act).
     *
     * @param hidden    widths of the hidden layers (each at least 1)
     * @param classes   number of outputs, at least 1
     * @param a         the non-linearity
     * @param batchNorm whether to normalise after each hidden layer
     * @return the block
     * @throws IllegalArgumentException if a width or the class count is below 1
     */
    public static Block mlp(int[] hidden, int classes, Nonlinearity a, boolean batchNorm) {
        checkPositive(classes, "classes");
        SequentialBlock b = new SequentialBlock().add(Blocks.batchFlattenBlock());
        for (int h : hidden) {
            checkPositive(h, "hidden width");
            b.add(Linear.builder().setUnits(h).build());
            if (batchNorm) {
                b.add(new CountingBatchNorm());
            }
            b.add(act(a));
        }
        return b.add(Linear.builder().setUnits(classes).build());
    }

    /**
     * The small CNN of the benchmarks: conv 16 3x3, act, conv 32 3x3 stride 2, act, linear to classes;
     * with batch normalisation ({@link CountingBatchNorm}) after each convolution if asked.
     *
     * @param classes   number of outputs
     * @param a         the non-linearity
     * @param batchNorm whether to normalise after each convolution
     * @return the block
     */
    public static Block smallCnn(int classes, Nonlinearity a, boolean batchNorm) {
        checkPositive(classes, "classes");
        return smallCnnTrunk(a, batchNorm).add(Linear.builder().setUnits(classes).build());
    }

    /**
     * The small CNN without its classifier: conv 16 3x3, act, conv 32 3x3 stride 2, act, flatten, giving
     * 32·12·12 = 4608 features for 28x28 inputs. Self-supervised methods add their own head to it.
     *
     * @param a         the non-linearity
     * @param batchNorm whether to normalise after each convolution
     * @return the block, to which layers can be added
     */
    public static SequentialBlock smallCnnTrunk(Nonlinearity a, boolean batchNorm) {
        SequentialBlock b = new SequentialBlock();
        b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(16).build());
        if (batchNorm) {
            b.add(new CountingBatchNorm());
        }
        b.add(act(a));
        b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optStride(new Shape(2, 2)).setFilters(32).build());
        if (batchNorm) {
            b.add(new CountingBatchNorm());
        }
        return b.add(act(a)).add(Blocks.batchFlattenBlock());
    }

    /**
     * A small ResNet: a 3x3 stem of {@code width} channels, {@code blocks} residual blocks (conv-BN-act-
     * conv-BN plus identity, then act), global average pooling and a linear layer.
     *
     * @param classes number of outputs
     * @param width   channels, at least 1
     * @param blocks  residual blocks, at least 1
     * @param a       the non-linearity
     * @return the block
     */
    public static Block smallResNet(int classes, int width, int blocks, Nonlinearity a) {
        checkPositive(classes, "classes");
        checkPositive(width, "width");
        checkPositive(blocks, "blocks");
        SequentialBlock b = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(width).build())
                .add(new CountingBatchNorm()).add(act(a));
        for (int i = 0; i < blocks; i++) {
            SequentialBlock body = new SequentialBlock()
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(width).build())
                    .add(new CountingBatchNorm()).add(act(a))
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(width).build())
                    .add(new CountingBatchNorm());
            b.add(new Residual(body));
            b.add(act(a));
        }
        return b.add(Pool.globalAvgPool2dBlock()).add(Linear.builder().setUnits(classes).build());
    }

    private static void checkPositive(int v, String what) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " = " + v + " must be at least 1");
        }
    }
}
