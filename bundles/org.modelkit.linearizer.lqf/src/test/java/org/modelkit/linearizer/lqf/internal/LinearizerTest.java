package org.modelkit.linearizer.lqf.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.modelkit.compute.api.linearizer.LinearizedBatch;
import org.modelkit.compute.api.linearizer.LinearizedModel;
import org.modelkit.compute.api.linearizer.Projection;
import org.modelkit.nn.CountingBatchNorm;
import org.modelkit.nn.LeakyRelu;
import org.modelkit.nn.Networks;
import org.modelkit.nn.Pool2d;
import org.modelkit.nn.Residual;

/**
 * Tangent propagation against central finite differences (float64, so the differences are accurate to
 * far below the 1e-4 criterion) for every supported layer and for whole networks, and the adjointness
 * of J·v and Jᵀ·u; fixed seeds.
 */
class LinearizerTest {
    static final Shape IMAGE = new Shape(3, 2, 8, 8);
    NDManager manager;
    final LqfLinearizer linearizer = new LqfLinearizer();

    @BeforeEach
    void open() {
        Engine.getInstance().setRandomSeed(3);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    static Block seq(Block... blocks) {
        SequentialBlock s = new SequentialBlock();
        for (Block b : blocks) {
            s.add(b);
        }
        return s;
    }

    static Block linear(int units) {
        return Linear.builder().setUnits(units).build();
    }

    static Block conv(int filters, int stride) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(filters).optPadding(new Shape(1, 1))
                .optStride(new Shape(stride, stride)).build();
    }

    /** Initialises in float64 and moves batch-norm statistics away from 0 and 1 with training passes. */
    Block init(Block b, Shape input) {
        b.initialize(manager, DataType.FLOAT64, input);
        try (NDManager m = manager.newSubManager()) {
            for (int i = 0; i < 5; i++) {
                b.forward(new ParameterStore(m, false), new NDList(m.randomNormal(0f, 2f, input, DataType.FLOAT64).add(0.5)),
                        true);
            }
        }
        // no zero biases or unit gammas: every parameter's tangent must matter
        for (Pair<String, Parameter> p : b.getParameters()) {
            if (p.getValue().requiresGradient()) {
                NDArray a = p.getValue().getArray();
                a.addi(manager.randomNormal(0f, 0.1f, a.getShape(), DataType.FLOAT64));
            }
        }
        return b;
    }

    NDArray f(Block b, NDArray x) {
        return b.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
    }

    /** Adds s·v to the block's linearized parameters. */
    static void shift(Block b, LinearizedModel lin, NDList v, double s) {
        List<String> names = lin.parameterNames();
        for (Pair<String, Parameter> p : b.getParameters()) {
            int i = names.indexOf(p.getKey());
            if (i >= 0) {
                p.getValue().getArray().addi(v.get(i).mul(s));
            }
        }
    }

    static double maxAbs(NDArray a) {
        return a.abs().max().toType(DataType.FLOAT64, false).getDouble();
    }

    static double dot(NDList a, NDList b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.get(i).mul(b.get(i)).sum().toType(DataType.FLOAT64, false).getDouble();
        }
        return s;
    }

    /** J·v vs central differences, f0 vs the block, forward at w0, and <J v, u> = <v, Jᵀ u>. */
    double check(String what, Block b, Shape input, Predicate<String> select) {
        init(b, input);
        NDArray x = manager.randomNormal(0f, 1f, input, DataType.FLOAT64);
        try (LinearizedModel lin = linearizer.linearize(b, select, manager)) {
            NDList v = new NDList();
            for (NDArray w : lin.weights0()) {
                v.add(manager.randomNormal(0f, 1f, w.getShape(), DataType.FLOAT64));
            }
            NDArray f0 = lin.f0(x);
            assertEquals(0.0, maxAbs(f0.sub(f(b, x))), what + ": f0 equals the block's inference output");
            assertEquals(0.0, maxAbs(lin.forward(x, lin.weights0()).sub(f0)), what + ": f_lin(w0) = f(w0) exactly");
            NDArray jv = lin.jvp(x, v);
            double eps = 1e-6;
            shift(b, lin, v, eps);
            NDArray plus = f(b, x);
            shift(b, lin, v, -2 * eps);
            NDArray minus = f(b, x);
            shift(b, lin, v, eps);
            NDArray fd = plus.sub(minus).div(2 * eps);
            double rel = maxAbs(jv.sub(fd)) / maxAbs(fd);
            NDArray u = manager.randomNormal(0f, 1f, jv.getShape(), DataType.FLOAT64);
            double left = jv.mul(u).sum().getDouble();
            double right = dot(v, lin.vjp(x, u));
            double adj = Math.abs(left - right) / Math.abs(left);
            // Jᵀu against an oracle outside this bundle: DJL's own gradient of <f(x; w), u> through the block
            NDList grad = blockGradient(b, lin, x, u);
            double vjpRel = 0;
            NDList ju = lin.vjp(x, u);
            for (int i = 0; i < ju.size(); i++) {
                vjpRel = Math.max(vjpRel, maxAbs(ju.get(i).sub(grad.get(i))) / Math.max(maxAbs(grad.get(i)), 1e-12));
            }
            System.out.printf("%-34s %6d params: |Jv - FD|/|FD| = %.2e, |<Jv,u> - <v,J'u>|/|<Jv,u>| = %.2e,"
                    + " |J'u - grad|/|grad| = %.2e%n", what, lin.parameterCount(), rel, adj, vjpRel);
            assertTrue(maxAbs(fd) > 1e-3, what + ": the tangent is not trivially zero");
            assertTrue(rel <= 1e-4, what + ": J·v differs from central differences by " + rel);
            assertTrue(adj <= 1e-5, what + ": J·v and Jᵀ·u are not adjoint: " + adj);
            assertTrue(vjpRel <= 1e-9, what + ": Jᵀ·u differs from the block's own gradient by " + vjpRel);
            // the batch-bound operator answers exactly what the per-call methods answer
            try (LinearizedBatch batch = lin.at(x)) {
                assertEquals(0.0, maxAbs(batch.f0().sub(f0)), what + ": at(x).f0()");
                assertEquals(0.0, maxAbs(batch.jvp(v).sub(jv)), what + ": at(x).jvp(v)");
                NDList bu = batch.vjp(u);
                for (int i = 0; i < bu.size(); i++) {
                    assertEquals(0.0, maxAbs(bu.get(i).sub(ju.get(i))), what + ": at(x).vjp(u)[" + i + "]");
                }
                NDList w = new NDList();
                for (int i = 0; i < v.size(); i++) {
                    w.add(lin.weights0().get(i).add(v.get(i)));
                }
                assertTrue(maxAbs(batch.forward(w).sub(lin.forward(x, w))) < 1e-12, what + ": at(x).forward(w)");
                assertTrue(maxAbs(batch.forward(w).sub(f0.add(jv))) < 1e-12, what + ": f_lin(w0 + v) = f0 + J·v");
            }
            return rel;
        }
    }

    /** ∂<f(x; w), u>/∂w at w0 for the linearized parameters, by DJL's autograd through the block itself. */
    NDList blockGradient(Block b, LinearizedModel lin, NDArray x, NDArray u) {
        List<String> names = lin.parameterNames();
        NDList out = new NDList();
        for (int i = 0; i < names.size(); i++) {
            out.add(null);
        }
        for (Pair<String, Parameter> p : b.getParameters()) {
            if (names.contains(p.getKey())) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
        try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
            NDArray y = b.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
            gc.backward(y.mul(u).sum());
        }
        for (Pair<String, Parameter> p : b.getParameters()) {
            int i = names.indexOf(p.getKey());
            if (i >= 0) {
                out.set(i, p.getValue().getArray().getGradient().duplicate());
                p.getValue().getArray().setRequiresGradient(false);
            }
        }
        return out;
    }

    static final Predicate<String> ALL = n -> true;

    @Test
    void everySupportedLayerMatchesFiniteDifferences() {
        check("linear", seq(Blocks.batchFlattenBlock(), linear(5)), IMAGE, ALL);
        check("conv2d (stride 2, padding 1)", seq(conv(4, 2), Blocks.batchFlattenBlock(), linear(3)), IMAGE, ALL);
        check("leaky-relu", seq(conv(4, 1), new LeakyRelu(0.1f), Blocks.batchFlattenBlock(), linear(3)), IMAGE, ALL);
        check("relu (DJL's block)", seq(Blocks.batchFlattenBlock(), linear(6), Activation.reluBlock(), linear(3)), IMAGE, ALL);
        check("batch norm, inference mode", seq(conv(4, 1), new CountingBatchNorm(), Blocks.batchFlattenBlock(), linear(3)),
                IMAGE, ALL);
        check("max pooling 2x2", seq(conv(4, 1), new Pool2d(true, 2), Blocks.batchFlattenBlock(), linear(3)), IMAGE, ALL);
        check("average pooling 2x2", seq(conv(4, 1), new Pool2d(false, 2), Blocks.batchFlattenBlock(), linear(3)), IMAGE, ALL);
        check("global average pooling", seq(conv(4, 1), Pool.globalAvgPool2dBlock(), linear(3)), IMAGE, ALL);
        check("residual addition", seq(conv(2, 1), new Residual(seq(conv(2, 1), new LeakyRelu(0.01f), conv(2, 1))),
                Blocks.batchFlattenBlock(), linear(3)), IMAGE, ALL);
    }

    @Test
    void wholeNetworksMatchFiniteDifferences() {
        check("small CNN, Leaky-ReLU, BN (28x28)", Networks.smallCnn(10, Networks.Nonlinearity.LEAKY_RELU, true),
                new Shape(2, 1, 28, 28), ALL);
        check("small ResNet (2 blocks)", Networks.smallResNet(10, 4, 2, Networks.Nonlinearity.RELU), new Shape(2, 1, 12, 12),
                ALL);
        check("BN-MLP", Networks.mlp(new int[] {16, 16}, 4, Networks.Nonlinearity.LEAKY_RELU, true), new Shape(5, 1, 6, 6),
                ALL);
        // only the last two layers linearized, the rest frozen
        Block cnn = Networks.smallCnn(10, Networks.Nonlinearity.LEAKY_RELU, false);
        check("small CNN, last conv + head only", cnn, new Shape(2, 1, 28, 28), n -> n.startsWith("03") || n.startsWith("06"));
    }

    @Test
    void jacobianRowsArePerSampleGradientsAndProjectionKeepsInnerProducts() {
        Block b = init(seq(conv(3, 2), new LeakyRelu(0.1f), Blocks.batchFlattenBlock(), linear(4)), IMAGE);
        NDArray x = manager.randomNormal(0f, 1f, IMAGE, DataType.FLOAT64);
        try (LinearizedModel lin = linearizer.linearize(b, ALL, manager)) {
            NDArray j = lin.jacobian(x, Projection.NONE);
            assertArrayEquals(new long[] {3 * 4, lin.parameterCount()}, j.getShape().getShape());
            NDList v = new NDList();
            NDList flat = new NDList();
            for (NDArray w : lin.weights0()) {
                NDArray r = manager.randomNormal(0f, 1f, w.getShape(), DataType.FLOAT64);
                v.add(r);
                flat.add(r.flatten());
            }
            // J (as rows) times v equals J·v, sample by sample
            NDArray jv = j.matMul(ai.djl.ndarray.NDArrays.concat(flat).reshape(-1, 1)).reshape(3, 4);
            assertTrue(maxAbs(jv.sub(lin.jvp(x, v))) < 1e-10);
            NDArray p = lin.jacobian(x, new Projection(20, 7));
            // conv weight 54 and linear weight 192 are cut to 20 coordinates each; the biases (3, 4) are kept whole
            assertEquals(20 + 3 + 20 + 4, p.getShape().get(1));
            NDArray again = lin.jacobian(x, new Projection(20, 7));
            assertEquals(0.0, maxAbs(p.sub(again)), "the same seed keeps the same coordinates");
            NDArray ntk = lin.ntk(x, x, Projection.NONE);
            assertTrue(maxAbs(ntk.sub(ntk.transpose())) < 1e-9, "the NTK of a batch with itself is symmetric");
        }
    }

    @Test
    void unsupportedLayersAndBadArgumentsAreNamed() {
        Block lambda = init(seq(Blocks.batchFlattenBlock(), linear(4), Activation.leakyReluBlock(0.2f), linear(2)), IMAGE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> linearizer.linearize(lambda, ALL, manager));
        assertTrue(e.getMessage().contains("'03LambdaBlock'") && e.getMessage().contains("LeakyReLU"), e.getMessage());
        Block dropout = init(seq(Blocks.batchFlattenBlock(), linear(4), Dropout.builder().build(), linear(2)), IMAGE);
        e = assertThrows(IllegalArgumentException.class, () -> linearizer.linearize(dropout, ALL, manager));
        assertTrue(e.getMessage().contains("(Dropout) is not supported"), e.getMessage());
        Block ok = init(seq(Blocks.batchFlattenBlock(), linear(4)), IMAGE);
        e = assertThrows(IllegalArgumentException.class, () -> linearizer.linearize(ok, n -> false, manager));
        assertTrue(e.getMessage().contains("no learnable parameter"), e.getMessage());
        try (LinearizedModel lin = linearizer.linearize(ok, ALL, manager)) {
            NDArray x = manager.randomNormal(0f, 1f, IMAGE, DataType.FLOAT64);
            e = assertThrows(IllegalArgumentException.class, () -> lin.vjp(x, manager.zeros(new Shape(3, 5))));
            assertTrue(e.getMessage().contains("[3, 4]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> lin.jvp(x, new NDList(manager.zeros(new Shape(4, 128)))));
            assertTrue(e.getMessage().contains("2 arrays"), e.getMessage());
            // the model holds copies: changing the block later does not change it
            NDArray before = lin.f0(x);
            for (Pair<String, Parameter> p : ok.getParameters()) {
                p.getValue().getArray().addi(1);
            }
            assertEquals(0.0, maxAbs(lin.f0(x).sub(before)));
        }
    }
}
