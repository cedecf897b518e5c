package org.modelkit.linearizer.lqf.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.modelkit.nn.Pool2d;
import org.modelkit.nn.Scalars;

/**
 * Forward-mode differentiation by hand (tangent propagation): a primal pass at w0 that records what
 * each layer's derivative needs (its input, the activation's slope mask, the max-pool selection), then
 * tangent passes that push {@code (ẋ, δW)} through the recorded layers, first order only:
 * <ul>
 * <li>Linear: ẏ = ẋ Wᵀ + x δWᵀ + δb; Conv: the same with convolutions;</li>
 * <li>batch norm (inference): ẏ = ẋ·invStd·γ + x̂·δγ + δβ, the statistics fixed;</li>
 * <li>Leaky-ReLU/ReLU: ẏ = mask ⊙ ẋ with mask ∈ {1, slope} taken at w0;</li>
 * <li>pooling, flatten and residual additions are linear, max pooling selects where the primal did.</li>
 * </ul>
 * DJL has no forward-mode AD and its public backward cannot build a graph for a second derivative, so
 * this is written here. Reverse-mode products need none of it: Jᵀu is the ordinary backward pass of f at
 * w0, which {@link #primal(List, NDArray, Trace, NDList)} gives with gradient-requiring weights. A tangent
 * that is zero is carried as null, so frozen layers in front of the first linearized one cost nothing.
 */
final class Pass {
    private Pass() {
    }

    /** What a primal pass recorded, per node (nested for residual bodies). */
    static final class Trace {
        final List<Object> entries = new ArrayList<>();
        /** Inputs and output shapes of the Linear and Conv layers, nested bodies included (for K-FAC). */
        final Map<Net.Node, NDArray> layerInputs;
        final Map<Net.Node, Shape> layerOutputs;
        /** Arrays added to the outputs of these layers (zero probes whose gradient is ∂f/∂s), or empty. */
        final Map<Net.Node, NDArray> probes;
        /** Every array the pass recorded, to be temporarily attached to a step's manager (see {@link #borrow}). */
        final List<NDArray> arrays;
        /** Whether the pass records what tangent passes need (masks, inputs); false for a plain forward. */
        final boolean records;
        NDArray output;

        Trace() {
            this(new IdentityHashMap<>());
        }

        Trace(Map<Net.Node, NDArray> probes) {
            this(new IdentityHashMap<>(), new IdentityHashMap<>(), probes, new ArrayList<>(), true);
        }

        private Trace(Map<Net.Node, NDArray> inputs, Map<Net.Node, Shape> outputs, Map<Net.Node, NDArray> probes,
                List<NDArray> arrays, boolean records) {
            this.layerInputs = inputs;
            this.layerOutputs = outputs;
            this.probes = probes;
            this.arrays = arrays;
            this.records = records;
        }

        /** A pass that records nothing: f alone, for the backward pass of Jᵀu (no masks computed). */
        static Trace plain() {
            return new Trace(new IdentityHashMap<>(), new IdentityHashMap<>(), new IdentityHashMap<>(), new ArrayList<>(),
                    false);
        }

        Trace nested() {
            return new Trace(layerInputs, layerOutputs, probes, arrays, records);
        }

        /** Records an entry for the next node. */
        void add(Object entry) {
            if (!records) {
                return;
            }
            entries.add(entry);
            if (entry instanceof NDArray a) {
                arrays.add(a);
            } else if (entry instanceof MaxPoolState m) {
                arrays.add(m.mask());
                arrays.add(m.count());
            }
        }

        /**
         * Lends the recorded arrays to a manager until it closes, so the arrays that tangent passes derive
         * from them (DJL attaches a result to its first operand's manager) are freed with it.
         */
        void borrow(NDManager m) {
            lend(m, arrays);
        }

        NDArray layer(Net.Node node, NDArray x, NDArray y) {
            if (!records) {
                return y;
            }
            layerInputs.put(node, x);
            layerOutputs.put(node, y.getShape());
            NDArray probe = probes.get(node);
            return probe == null ? y : y.add(probe);
        }
    }

    /**
     * Temporarily attaches arrays to m until it closes, each once and only if it lives elsewhere: DJL
     * records the manager an array came from when it is lent, so lending one twice to the same manager
     * (a trace holds the batch x as the first layer's input) would make m its origin and free it with m.
     */
    static void lend(NDManager m, List<NDArray> arrays) {
        java.util.Set<NDArray> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (NDArray a : arrays) {
            if (a != null && seen.add(a) && a.getManager() != m) {
                m.tempAttachAll(a);
            }
        }
    }

    private record MaxPoolState(NDArray mask, NDArray count, long h, long w) {
    }

    private static Shape channelShape(NDArray x, long c) {
        long[] s = new long[x.getShape().dimension()];
        java.util.Arrays.fill(s, 1);
        s[1] = c;
        return new Shape(s);
    }

    /** The primal pass at w0; records the trace. */
    static NDArray primal(List<Net.Node> nodes, NDArray x, Trace trace) {
        return primal(nodes, x, trace, null);
    }

    /**
     * The primal pass with the linearized parameters taken from {@code w} (aligned with them; null for
     * w0), so that with gradient-requiring arrays in w an ordinary backward pass gives ∂f/∂w; records the
     * trace.
     */
    static NDArray primal(List<Net.Node> nodes, NDArray x, Trace trace, NDList w) {
        NDArray y = x;
        for (Net.Node n : nodes) {
            y = primal(n, y, trace, w);
        }
        trace.output = y;
        if (trace.records) {
            trace.arrays.add(y);
        }
        return y;
    }

    /** The parameter's value: from w if it is linearized and w is given, else w0; null for no parameter. */
    private static NDArray value(Net.Param p, NDList w) {
        return p == null ? null : p.linearized() && w != null ? w.get(p.index()) : p.w0();
    }

    private static NDArray primal(Net.Node node, NDArray x, Trace trace, NDList w) {
        if (node instanceof Net.Dense d) {
            trace.add(x);
            return trace.layer(node, x, Linear.linear(x, value(d.w(), w), value(d.b(), w)).singletonOrThrow());
        } else if (node instanceof Net.Conv c) {
            trace.add(x);
            return trace.layer(node, x, Conv2d.conv2d(x, value(c.w(), w), value(c.b(), w), c.stride(),
                    c.padding(), c.dilation(), 1).singletonOrThrow());
        } else if (node instanceof Net.Norm n) {
            if (trace.records) {
                Shape cs = channelShape(x, n.mean().getShape().get(0));
                trace.add(x.sub(n.mean().reshape(cs)).mul(n.invStd().reshape(cs)));
            }
            // the primal with DJL's own kernel, so f0 equals the block's inference output exactly
            NDArray gamma = n.gamma() == null ? n.var().onesLike() : value(n.gamma(), w);
            NDArray beta = n.beta() == null ? n.var().zerosLike() : value(n.beta(), w);
            return BatchNorm.batchNorm(x, n.mean(), n.var(), gamma, beta, 1, 0.9f, Net.BN_EPSILON, false).singletonOrThrow();
        } else if (node instanceof Net.Act a) {
            // the derivative at w0: 1 where x > 0, the slope elsewhere (exactly, for float64 too)
            if (trace.records) {
                NDArray positive = x.gt(0).toType(x.getDataType(), false);
                trace.add(a.slope() == 0 ? positive : Scalars.mul(positive.neg().add(1), a.slope()).add(positive));
            }
            // the primal with DJL's own functions, so f0 equals the block's output exactly
            return a.slope() == 0 ? Activation.relu(x) : Activation.leakyRelu(x, a.slope());
        } else if (node instanceof Net.Flatten f) {
            trace.add(null);
            return x.reshape(x.getShape().get(0), -1);
        } else if (node instanceof Net.GlobalAvgPool g) {
            trace.add(null);
            return Pool.globalAvgPool2d(x);
        } else if (node instanceof Net.Pool p) {
            NDArray y = Pool2d.pool(x, p.max(), p.kernel());
            if (!p.max() || !trace.records) {
                trace.add(null);
                return y;
            }
            int k = p.kernel();
            long h = y.getShape().get(2) * k;
            long wd = y.getShape().get(3) * k;
            NDArray xc = x.get(new NDIndex(":, :, 0:" + h + ", 0:" + wd));
            NDArray mask = xc.eq(y.repeat(2, k).repeat(3, k)).toType(x.getDataType(), false);
            trace.add(new MaxPoolState(mask, Pool2d.pool(mask, false, k), h, wd));
            return y;
        } else if (node instanceof Net.Res r) {
            Trace body = trace.nested();
            trace.add(body);
            return primal(r.body(), x, body, w).add(x);
        }
        throw new IllegalStateException("unknown node " + node);
    }

    private static NDArray plus(NDArray a, NDArray b) {
        return a == null ? b : b == null ? a : a.add(b);
    }

    private static NDArray tangentOf(Net.Param p, NDList dw) {
        return p == null || !p.linearized() || dw == null ? null : dw.get(p.index());
    }

    /**
     * A tangent pass over a recorded trace.
     *
     * @param t  the input tangent, or null for zero
     * @param dw parameter tangents aligned with the linearized parameters, or null for zero
     * @return the output tangent, or null if it is zero
     */
    static NDArray tangent(List<Net.Node> nodes, Trace trace, NDArray t, NDList dw) {
        for (int i = 0; i < nodes.size(); i++) {
            t = tangent(nodes.get(i), trace.entries.get(i), t, dw);
        }
        return t;
    }

    private static NDArray tangent(Net.Node node, Object rec, NDArray t, NDList dw) {
        if (node instanceof Net.Dense d) {
            NDArray x = (NDArray) rec;
            NDArray out = t == null ? null : Linear.linear(t, d.w().w0()).singletonOrThrow();
            NDArray dW = tangentOf(d.w(), dw);
            NDArray dB = tangentOf(d.b(), dw);
            if (dW != null) {
                out = plus(out, Linear.linear(x, dW, dB).singletonOrThrow());
            } else if (dB != null) {
                out = plus(out, dB);
            }
            return out;
        } else if (node instanceof Net.Conv c) {
            NDArray x = (NDArray) rec;
            NDArray out = t == null ? null
                    : Conv2d.conv2d(t, c.w().w0(), null, c.stride(), c.padding(), c.dilation(), 1).singletonOrThrow();
            NDArray dW = tangentOf(c.w(), dw);
            NDArray dB = tangentOf(c.b(), dw);
            if (dW != null) {
                out = plus(out, Conv2d.conv2d(x, dW, dB, c.stride(), c.padding(), c.dilation(), 1).singletonOrThrow());
            } else if (dB != null) {
                out = plus(out, dB.reshape(1, dB.getShape().get(0), 1, 1));
            }
            return out;
        } else if (node instanceof Net.Norm n) {
            NDArray xhat = (NDArray) rec;
            Shape cs = channelShape(xhat, n.mean().getShape().get(0));
            NDArray out = null;
            if (t != null) {
                NDArray scale = n.gamma() == null ? n.invStd() : n.invStd().mul(n.gamma().w0());
                out = t.mul(scale.reshape(cs));
            }
            NDArray dG = tangentOf(n.gamma(), dw);
            NDArray dB = tangentOf(n.beta(), dw);
            if (dG != null) {
                out = plus(out, xhat.mul(dG.reshape(cs)));
            }
            if (dB != null) {
                out = plus(out, dB.reshape(cs));
            }
            return out;
        } else if (node instanceof Net.Act a) {
            return t == null ? null : t.mul((NDArray) rec);
        } else if (node instanceof Net.Flatten f) {
            return t == null ? null : t.reshape(t.getShape().get(0), -1);
        } else if (node instanceof Net.GlobalAvgPool g) {
            return t == null ? null : Pool.globalAvgPool2d(t);
        } else if (node instanceof Net.Pool p) {
            if (t == null) {
                return null;
            }
            if (!p.max()) {
                return Pool2d.pool(t, false, p.kernel());
            }
            MaxPoolState s = (MaxPoolState) rec;
            NDArray tc = t.get(new NDIndex(":, :, 0:" + s.h() + ", 0:" + s.w()));
            return Pool2d.pool(tc.mul(s.mask()), false, p.kernel()).div(s.count());
        } else if (node instanceof Net.Res r) {
            Trace body = (Trace) rec;
            return plus(tangent(r.body(), body, t, dw), t);
        }
        throw new IllegalStateException("unknown node " + node);
    }

}
