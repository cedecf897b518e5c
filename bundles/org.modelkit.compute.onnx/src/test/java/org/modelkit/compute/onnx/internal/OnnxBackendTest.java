package org.modelkit.compute.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.Tensor;
import org.modelkit.compute.api.BackendStatus;
import org.modelkit.api.method.Capability;
import org.modelkit.compute.api.LoadedModel;
import org.modelkit.compute.api.ModelFormat;
import org.modelkit.io.Csv;
import org.modelkit.io.Idx;

class OnnxBackendTest {
    static Path testdata(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p.resolve("testdata").resolve(relative);
    }

    static OnnxBackend cpu() {
        return new OnnxBackend("onnx-cpu", BackendStatus.running("cpu"), EnumSet.of(Capability.INFERENCE), -1, 2, "all");
    }

    @Test
    void smallCnnMatchesTheIndependentReferenceOnRealImages() throws IOException {
        Tensor images = Idx.readImages(testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz"))
                .select(new int[] {0, 1, 2, 3}).reshape(4, 1, 28, 28);
        Tensor expected = Csv.readMatrix(testdata("onnx/small-cnn.expected.csv"), false).values();
        try (LoadedModel m = cpu().load(testdata("onnx/small-cnn.onnx"), ModelFormat.ONNX)) {
            assertEquals(List.of("X"), m.inputNames());
            Tensor y = m.run(List.of(images)).get(0);
            assertEquals(4, y.dim(0));
            assertEquals(10, y.dim(1));
            for (int i = 0; i < 40; i++) {
                float e = expected.getFlat(i);
                assertEquals(e, y.getFlat(i), 1e-5 * Math.max(1, Math.abs(e)), "output " + i);
            }
        }
    }

    @Test
    void badModelsAndInputsGetClearErrors(@TempDir Path tmp) throws IOException {
        OnnxBackend b = cpu();
        Path junk = Files.writeString(tmp.resolve("junk.onnx"), "not a model");
        IOException e = assertThrows(IOException.class, () -> b.load(junk, ModelFormat.ONNX));
        assertTrue(e.getMessage().startsWith("junk.onnx: not a valid ONNX model for onnx-cpu"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.load(junk, ModelFormat.TORCHSCRIPT));
        assertFalse(org.modelkit.compute.api.TensorBackend.class.isInstance(b), "an ONNX backend offers no NDArrays");
        assertEquals(java.util.Set.of(ModelFormat.ONNX), b.formats());
        try (LoadedModel m = b.load(testdata("onnx/small-cnn.onnx"), ModelFormat.ONNX)) {
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> m.run(List.of(Tensor.zeros(2, 1, 27, 28))));
            assertTrue(wrong.getMessage().startsWith("ONNX Runtime refused the inputs"), wrong.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.run(List.of()));
            m.close();
            assertThrows(IllegalStateException.class, () -> m.run(List.of(Tensor.zeros(1, 1, 28, 28))));
        }
        OnnxBackend unavailable = new OnnxBackend("onnx-cuda", BackendStatus.unavailable("gpu:0", "no CUDA"),
                EnumSet.of(Capability.INFERENCE), 0, 2, "all");
        IllegalStateException u = assertThrows(IllegalStateException.class,
                () -> unavailable.load(testdata("onnx/small-cnn.onnx"), ModelFormat.ONNX));
        assertEquals("onnx-cuda is unavailable: no CUDA", u.getMessage());
    }
}
