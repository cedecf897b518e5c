package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.junit5.context.BundleContextExtension;

/**
 * The two native-library wrappers work inside Felix: ONNX Runtime runs a committed model, and DJL's
 * PyTorch engine, initialised with the wrapper's class loader as the thread context class loader,
 * computes a gradient.
 */
@ExtendWith(BundleContextExtension.class)
class NativeLibrariesTest {
    @InjectBundleContext
    BundleContext context;

    @Test
    void onnxRuntimeRunsTheCommittedModel() throws Exception {
        Path model = Path.of(context.getProperty("modelkit.testdata"), "onnx/relu-times-x.onnx");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(Files.readAllBytes(model), new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {1, -2, 3}), new long[] {3});
                OrtSession.Result r = session.run(Map.of("X", x))) {
            assertArrayEquals(new float[] {1, 0, 9}, (float[]) r.get(0).getValue(), 0f);
        }
    }

    @Test
    void pytorchComputesAGradient() {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(Engine.class.getClassLoader());
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            assertEquals("PyTorch", m.getEngine().getEngineName());
            NDArray x = m.create(new float[] {1, 2, 3});
            x.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(x.square().sum());
            }
            assertArrayEquals(new float[] {2, 4, 6}, x.getGradient().toFloatArray(), 0f);
        } finally {
            t.setContextClassLoader(before);
        }
    }
}
