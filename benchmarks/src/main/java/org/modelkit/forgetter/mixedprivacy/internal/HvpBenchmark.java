package org.modelkit.forgetter.mixedprivacy.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.LabelledFiles;
import org.modelkit.linearizer.lqf.internal.LqfLinearizer;
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
 * The forgetter's Hessian-vector product {@code H v = Jᵀ(J v)/N + λ v} (one J·v and one Jᵀ·u on a bound
 * batch) for the pre-trained small CNN (testdata/models/fashion-cnn-leaky: conv 16, Leaky-ReLU, conv 32
 * stride 2, Leaky-ReLU, linear 10), its last two layers linearized (P = 50,730), a batch of 64 Fashion-MNIST
 * test images, float64, 2 threads: the product conjugate gradients repeat. Compared with functorch's jvp +
 * vjp on the same layers by benchmarks/forget/peer_hvp.py in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = "-Dai.djl.offline=true")
public class HvpBenchmark {
    NDManager manager;
    MixedLinear ml;
    MixedLinear.Data data;
    NDArray mask;
    NDArray v;

    @Setup
    public void setUp() throws Exception {
        manager = LocalBackends.pytorchCpu("bench").newManager();
        ml = MixedLinear.load(Path.of("testdata/models/fashion-cnn-leaky"), new LqfLinearizer(), manager, 2);
        LabelledSet set = LabelledFiles.read(Path.of("testdata/fashion-mnist/t10k-1000-images-idx3-ubyte.gz"));
        int[] rows = new int[64];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        data = ml.bind(set.select(rows), 5);
        mask = data.mask(rows);
        Random r = new Random(1);
        double[] x = new double[(int) ml.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        v = ml.vector(x);
    }

    @TearDown
    public void tearDown() {
        data.close();
        ml.close();
        manager.close();
    }

    @Benchmark
    public double hvp() {
        try (NDArray h = data.hvp(v, mask, 64, 1e-3)) {
            return h.getDouble(0);
        }
    }
}
