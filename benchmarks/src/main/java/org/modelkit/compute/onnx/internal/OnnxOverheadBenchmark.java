package org.modelkit.compute.onnx.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.modelkit.api.data.Tensor;
import org.modelkit.compute.api.BackendStatus;
import org.modelkit.api.method.Capability;
import org.modelkit.compute.api.LoadedModel;
import org.modelkit.compute.api.ModelFormat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Inference of the small CNN (testdata/onnx/small-cnn.onnx) through the ONNX ComputeBackend's
 * LoadedModel against a raw OrtSession with the same options (2 intra-op threads, all graph
 * optimisations), on the same input batch. Both sides create the input tensor from a heap copy and copy
 * the output into a Java array, as a caller must; the difference is the backend's overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2)
public class OnnxOverheadBenchmark {
    @Param({"1", "128"})
    public int batch;

    LoadedModel model;
    Tensor input;
    OrtEnvironment env;
    OrtSession raw;
    float[] data;
    long[] shape;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        Path file = Path.of(System.getProperty("modelkit.testdata", "testdata"), "onnx/small-cnn.onnx");
        model = new OnnxBackend("onnx-cpu", BackendStatus.running("cpu"), EnumSet.of(Capability.INFERENCE), -1, 2, "all")
                .load(file, ModelFormat.ONNX);
        data = new float[batch * 784];
        Random r = new Random(1);
        for (int i = 0; i < data.length; i++) {
            data[i] = r.nextFloat();
        }
        shape = new long[] {batch, 1, 28, 28};
        input = Tensor.of(data, batch, 1, 28, 28);
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setIntraOpNumThreads(2);
        raw = env.createSession(Files.readAllBytes(file), o);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        model.close();
        raw.close();
    }

    @Benchmark
    public Tensor computeBackend() {
        return model.run(List.of(input)).get(0);
    }

    /** The same ONNX Runtime calls as the backend makes: a fresh heap copy of the input each call. */
    @Benchmark
    public float[] rawOrtSession() throws OrtException {
        return raw(data.clone());
    }

    /**
     * Wrapping the same long-lived array on every call: measured about 2x slower than a fresh copy at
     * batch 128 on this machine (an ONNX Runtime JNI effect), so it is not used as the baseline.
     */
    @Benchmark
    public float[] rawOrtSessionReusedArray() throws OrtException {
        return raw(data);
    }

    private float[] raw(float[] in) throws OrtException {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), shape);
                OrtSession.Result r = raw.run(Map.of("X", x))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
    }
}
