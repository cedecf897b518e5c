package org.modelkit.linearizer.lqf.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.concurrent.TimeUnit;
import org.modelkit.compute.api.linearizer.LinearizedBatch;
import org.modelkit.compute.api.linearizer.LinearizedModel;
import org.modelkit.nn.Networks;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * J·v and Jᵀ·u of the small CNN (Leaky-ReLU, no batch norm, all 50,890 parameters linearized) on a
 * batch of 64 28x28 images, through the {@link LinearizedModel} API (each call does its own primal
 * pass, as functorch.jvp and functorch.vjp do); compared with PyTorch by benchmarks/lqf/peer_jvp.py in
 * the same run. {@code batchJvp} is J·v on a batch bound once ({@link LinearizedModel#at}), the primal
 * pass reused, as a CG solve or a fine-tuning loop uses it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = "-Dai.djl.offline=true")
public class LinearizerBenchmark {
    NDManager manager;
    LinearizedModel model;
    NDArray x;
    NDArray u;
    NDList v;
    LinearizedBatch bound;

    @Setup
    public void setUp() {
        Engine.getInstance().setRandomSeed(1);
        manager = NDManager.newBaseManager();
        Block b = Networks.smallCnn(10, Networks.Nonlinearity.LEAKY_RELU, false);
        b.initialize(manager, DataType.FLOAT32, new Shape(64, 1, 28, 28));
        model = new LqfLinearizer().linearize(b, n -> true, manager);
        x = manager.randomUniform(0, 1, new Shape(64, 1, 28, 28));
        u = manager.randomNormal(new Shape(64, 10));
        v = new NDList();
        for (NDArray w : model.weights0()) {
            v.add(manager.randomNormal(w.getShape()));
        }
        bound = model.at(x);
    }

    @TearDown
    public void tearDown() {
        bound.close();
        model.close();
        manager.close();
    }

    @Benchmark
    public float jvp() {
        try (NDManager call = manager.newSubManager()) {
            x.tempAttach(call);
            return model.jvp(x, v).getFloat(0, 0);
        }
    }

    @Benchmark
    public float batchJvp() {
        try (NDManager call = manager.newSubManager()) {
            call.tempAttachAll(v);
            return bound.jvp(v).getFloat(0, 0);
        }
    }

    @Benchmark
    public float vjp() {
        try (NDManager call = manager.newSubManager()) {
            x.tempAttach(call);
            NDList g = model.vjp(x, u);
            g.attach(call);
            return g.head().getFloat(0, 0, 0, 0);
        }
    }
}
