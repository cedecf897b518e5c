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

    /**
     * A pre-trained network with a new head: the same architecture with {@code classes} outputs, every
     * parameter copied from the pre-trained one but the last layer's, which gets PyTorch's standard
     * initialisation of a linear layer, weight and bias from U(−1/√fan_in, 1/√fan_in), drawn from the seed
     * in Java (the same numbers on every backend). Fine-tuning and its prediction start from this network.
     *
     * @param pretrained a loaded model
     * @param classes    the new head's outputs, at least 1
     * @param seed       the head's seed
     * @param manager    where the new network's parameters live
     * @return the spec with the new class count and the initialised block
     * @throws IllegalArgumentException if the network does not end in a linear layer
     */
    public static ModelFiles.Loaded withNewHead(ModelFiles.Loaded pretrained, int classes, long seed,
            ai.djl.ndarray.NDManager manager) {
        checkPositive(classes, "classes");
        ModelSpec o = pretrained.spec();
        ModelSpec spec = new ModelSpec(o.architecture(), classes, o.nonlinearity(), o.batchNorm(), o.hidden(), o.input());
        Block net = spec.build();
        net.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, spec.batchShape(1));
        java.util.List<String> head = Layers.last(Layers.withParameters(net), 1);
        java.util.Map<String, ai.djl.nn.Parameter> from = new java.util.HashMap<>();
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : pretrained.block().getParameters()) {
            from.put(p.getKey(), p.getValue());
        }
        java.util.Random rnd = new java.util.Random(seed);
        long fanIn = -1;
        for (String name : head) {
            ai.djl.nn.Parameter p = net.getParameters().get(name);
            if (name.endsWith("_weight")) {
                if (p.getArray().getShape().dimension() != 2) {
                    throw new IllegalArgumentException("the network's last layer '" + name + "' is not a linear layer");
                }
                fanIn = p.getArray().getShape().get(1);
            }
        }
        if (fanIn < 1) {
            throw new IllegalArgumentException("the network's last layer " + head + " has no linear weight");
        }
        double bound = 1 / Math.sqrt(fanIn);
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : net.getParameters()) {
            ai.djl.ndarray.NDArray a = p.getValue().getArray();
            if (head.contains(p.getKey())) {
                float[] v = new float[(int) a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((2 * rnd.nextDouble() - 1) * bound);
                }
                a.set(v);
            } else {
                ai.djl.nn.Parameter src = from.get(p.getKey());
                if (src == null || !src.getArray().getShape().equals(a.getShape())) {
                    throw new IllegalArgumentException("pre-trained parameter '" + p.getKey() + "' is missing or has another"
                            + " shape");
                }
                a.set(src.getArray().toType(a.getDataType(), false).toFloatArray());
            }
        }
        return new ModelFiles.Loaded(spec, net);
    }

    /**
     * The same network in float64, for linearizations whose products must be exact to ~1e-12: built anew
     * from its spec, initialised in float64 and given the loaded parameters' values (DJL's
     * {@code Block.cast} throws for sequential blocks).
     *
     * @param loaded  a loaded network
     * @param manager where the copy's parameters live
     * @return the float64 copy
     */
    public static Block float64(ModelFiles.Loaded loaded, ai.djl.ndarray.NDManager manager) {
        Block net = loaded.spec().build();
        net.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT64, loaded.spec().batchShape(1));
        java.util.Iterator<ai.djl.util.Pair<String, ai.djl.nn.Parameter>> from = loaded.block().getParameters().iterator();
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : net.getParameters()) {
            ai.djl.util.Pair<String, ai.djl.nn.Parameter> q = from.next();
            ai.djl.ndarray.NDArray src = q.getValue().getArray();
            if (!p.getKey().equals(q.getKey()) || !src.getShape().equals(p.getValue().getArray().getShape())) {
                throw new IllegalStateException("parameter " + q.getKey() + " " + src.getShape() + " does not match "
                        + p.getKey() + " " + p.getValue().getArray().getShape());
            }
            try (ai.djl.ndarray.NDArray d = src.toType(ai.djl.ndarray.types.DataType.FLOAT64, false)) {
                p.getValue().getArray().set(d.toDoubleArray());
            }
        }
        return net;
    }

    private static void checkPositive(int v, String what) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " = " + v + " must be at least 1");
        }
    }
}
