package org.modelkit.linearizer.lqf.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.modelkit.nn.CountingBatchNorm;
import org.modelkit.nn.LeakyRelu;
import org.modelkit.nn.Pool2d;
import org.modelkit.nn.Residual;
import org.modelkit.nn.Scalars;

/**
 * A DJL block compiled into the layers tangent propagation knows, with copies of its parameters (w0).
 * Supported: {@link Linear}, {@link Conv2d} (groups 1), {@link BatchNorm} in inference mode (also inside
 * {@link CountingBatchNorm}), {@link LeakyRelu} and DJL's ReLU, {@link Pool2d}, DJL's global average
 * pooling and batch flatten, {@link Residual}, nested {@link SequentialBlock}s. Anything else is refused,
 * naming the layer: DJL's lambda blocks hide their constants (a Leaky-ReLU's slope, a pool's kernel) and
 * a {@code ParallelBlock} its join function.
 */
final class Net implements AutoCloseable {
    /** Batch norm's epsilon in DJL (not readable from the block; checked on a probe when compiling). */
    static final float BN_EPSILON = 1e-5f;

    /** A parameter tensor at w0, with its index among the linearized ones, or -1 if frozen. */
    record Param(String name, NDArray w0, int index) {
        boolean linearized() {
            return index >= 0;
        }
    }

    sealed interface Node permits Dense, Conv, Norm, Act, Flatten, GlobalAvgPool, Pool, Res {
    }

    /** y = x Wᵀ + b. */
    record Dense(String name, Param w, Param b) implements Node {
    }

    /** y = conv(x, W) + b. */
    record Conv(String name, Param w, Param b, Shape stride, Shape padding, Shape dilation) implements Node {
    }

    /** y = (x - mean)·invStd·γ + β, per channel (axis 1), stored statistics. */
    record Norm(String name, Param gamma, Param beta, NDArray mean, NDArray var, NDArray invStd, NDArray scale)
            implements Node {
    }

    /** y = max(slope·x, x). */
    record Act(float slope) implements Node {
    }

    /** [n, ...] to [n, rest]. */
    record Flatten() implements Node {
    }

    /** [n, c, h, w] to [n, c]. */
    record GlobalAvgPool() implements Node {
    }

    /** Non-overlapping 2-D pooling. */
    record Pool(boolean max, int kernel) implements Node {
    }

    /** y = body(x) + x. */
    record Res(List<Node> body) implements Node {
    }

    final List<Node> nodes;
    /** The linearized parameters, in the order of the block's {@code getParameters()}. */
    final List<Param> linearized;
    private final NDManager manager;

    private Net(List<Node> nodes, List<Param> linearized, NDManager manager) {
        this.nodes = nodes;
        this.linearized = linearized;
        this.manager = manager;
    }

    /**
     * @param block      an initialised block
     * @param linearized selects the linearized parameters by their DJL names
     * @param parent     the compiled net's arrays live in a sub-manager of it
     * @return the compiled net
     * @throws IllegalArgumentException naming an unsupported layer, or if no learnable parameter is selected
     */
    static Net compile(Block block, Predicate<String> linearized, NDManager parent) {
        NDManager m = parent.newSubManager();
        try {
            List<String> order = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (!p.getValue().isInitialized()) {
                    throw new IllegalArgumentException("parameter '" + p.getKey() + "' is not initialised: initialise the"
                            + " block before linearizing it");
                }
                if (p.getValue().requiresGradient() && linearized.test(p.getKey())) {
                    order.add(p.getKey());
                }
            }
            if (order.isEmpty()) {
                throw new IllegalArgumentException("no learnable parameter of the block is selected for linearization");
            }
            Map<String, Param> params = new HashMap<>();
            List<Node> nodes = new ArrayList<>();
            new Compiler(m, order, params).compile(block, "", nodes);
            List<Param> lin = new ArrayList<>();
            for (String name : order) {
                Param p = params.get(name);
                if (p == null) {
                    throw new IllegalArgumentException("parameter '" + name + "' is selected but belongs to no layer"
                            + " that can be linearized");
                }
                lin.add(p);
            }
            return new Net(nodes, lin, m);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private record Compiler(NDManager m, List<String> order, Map<String, Param> params) {
        Param param(String name, Parameter p) {
            if (p == null) {
                return null;
            }
            // detached: PyTorch's grad mode is on in threads other than DJL's initialising one, where a plain
            // copy of a learnable array would keep it in the block's autograd graph
            NDArray c = p.getArray().stopGradient().duplicate();
            c.attach(m);
            Param out = new Param(name, c, order.indexOf(name));
            params.put(name, out);
            return out;
        }

        Parameter direct(Block b, String name) {
            for (Pair<String, Parameter> p : b.getDirectParameters()) {
                if (p.getKey().equals(name)) {
                    return p.getValue();
                }
            }
            return null;
        }

        void compile(Block b, String prefix, List<Node> out) {
            String where = prefix.isEmpty() ? "the network" : "layer '" + prefix.substring(0, prefix.length() - 1) + "'";
            if (b instanceof SequentialBlock) {
                for (Pair<String, Block> c : b.getChildren()) {
                    compile(c.getValue(), prefix + c.getKey() + "_", out);
                }
            } else if (b instanceof Linear) {
                Param w = param(prefix + "weight", direct(b, "weight"));
                Param bias = param(prefix + "bias", direct(b, "bias"));
                out.add(new Dense(where, w, bias));
            } else if (b instanceof Conv2d c) {
                Param w = param(prefix + "weight", direct(b, "weight"));
                Param bias = param(prefix + "bias", direct(b, "bias"));
                out.add(new Conv(where, w, bias, c.getStride(), c.getPadding(), c.getDilation()));
            } else if (b instanceof CountingBatchNorm) {
                Pair<String, Block> child = b.getChildren().get(0);
                compile(child.getValue(), prefix + child.getKey() + "_", out);
            } else if (b instanceof BatchNorm) {
                out.add(norm(b, prefix, where));
            } else if (b instanceof LeakyRelu a) {
                out.add(new Act(a.slope()));
            } else if (b instanceof Pool2d p) {
                out.add(new Pool(p.isMax(), p.kernel()));
            } else if (b instanceof Residual r) {
                List<Node> body = new ArrayList<>();
                Pair<String, Block> child = b.getChildren().get(0);
                compile(r.body(), prefix + child.getKey() + "_", body);
                out.add(new Res(body));
            } else if (b instanceof LambdaBlock l) {
                switch (l.getName()) {
                    case "ReLU" -> out.add(new Act(0f));
                    case "batchFlatten" -> out.add(new Flatten());
                    case "globalAvgPool2d" -> out.add(new GlobalAvgPool());
                    case "identity" -> {
                    }
                    default -> throw new IllegalArgumentException(where + " is a lambda block '" + l.getName()
                            + "' whose function cannot be linearized; use org.modelkit.nn.LeakyRelu for Leaky-ReLU and"
                            + " org.modelkit.nn.Pool2d for pooling");
                }
            } else {
                throw new IllegalArgumentException(where + " (" + b.getClass().getSimpleName() + ") is not supported by"
                        + " the linearizer: Linear, Conv2d, BatchNorm, LeakyRelu/ReLU, Pool2d, global average pooling,"
                        + " flatten, Residual and SequentialBlock are");
            }
        }

        Norm norm(Block b, String prefix, String where) {
            Parameter mean = direct(b, "runningMean");
            Parameter var = direct(b, "runningVar");
            Param gamma = param(prefix + "gamma", direct(b, "gamma"));
            Param beta = param(prefix + "beta", direct(b, "beta"));
            NDArray mu = mean.getArray().duplicate();
            mu.attach(m);
            NDArray variance = var.getArray().duplicate();
            variance.attach(m);
            NDArray invStd = Scalars.pow(variance.add(BN_EPSILON).sqrt(), -1);
            // DJL does not expose the block's epsilon: check on a probe that inference mode is the affine
            // map this node assumes
            try (NDManager probe = m.newSubManager()) {
                long c = mu.getShape().get(0);
                NDArray x = mu.add(1).reshape(1, c, 1, 1);
                x.attach(probe);
                NDArray y = b.forward(new ParameterStore(probe, false), new NDList(x), false).singletonOrThrow();
                NDArray expected = invStd.duplicate();
                if (gamma != null) {
                    expected = expected.mul(gamma.w0());
                }
                if (beta != null) {
                    expected = expected.add(beta.w0());
                }
                expected.attach(probe);
                double diff = y.reshape(c).sub(expected).abs().max().toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                        .getDouble();
                double scale = expected.abs().max().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
                if (diff > 1e-4 * (1 + scale)) {
                    throw new IllegalArgumentException(where + " is a batch norm whose inference output differs from"
                            + " the stored statistics with epsilon 1e-5 by " + diff + "; only DJL's default epsilon is"
                            + " supported");
                }
            }
            NDArray scale = gamma == null ? invStd : invStd.mul(gamma.w0());
            return new Norm(where, gamma, beta, mu, variance, invStd, scale);
        }
    }

    /** @return the number of linearized scalars */
    long parameterCount() {
        long n = 0;
        for (Param p : linearized) {
            n += p.w0().size();
        }
        return n;
    }

    @Override
    public void close() {
        manager.close();
    }
}
