package org.modelkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.io.FormatException;

/** Model directories: a round trip keeps the network's outputs; a bad description is named. */
class ModelFilesTest {
    @Test
    void aSavedModelLoadsIntoTheSameNetwork(@TempDir Path tmp) throws IOException {
        ModelSpec spec = new ModelSpec("small-resnet", 3, "leaky_relu", true, new int[] {4, 1}, new int[] {1, 12, 12});
        try (NDManager m = NDManager.newBaseManager()) {
            Block b = spec.build();
            b.initialize(m, DataType.FLOAT32, spec.batchShape(2));
            NDArray x = m.randomUniform(0, 1, new Shape(2, 1, 12, 12));
            float[] before = b.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().toFloatArray();
            ModelFiles.save(tmp.resolve("m"), spec, b);
            ModelFiles.Loaded back = ModelFiles.load(tmp.resolve("m"), m);
            assertEquals(spec.toString(), back.spec().toString());
            float[] after = back.block().forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow()
                    .toFloatArray();
            assertArrayEquals(before, after, 0f);
            assertTrue(spec.accepts(new int[] {12, 12}) && !spec.accepts(new int[] {28, 28}));
        }
    }

    @Test
    void badModelDirectoriesAreNamed(@TempDir Path tmp) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            FormatException e = assertThrows(FormatException.class, () -> ModelFiles.load(tmp.resolve("none"), m));
            assertTrue(e.getMessage().contains("not a model directory"), e.getMessage());
            Path d = Files.createDirectories(tmp.resolve("bad"));
            Files.writeString(d.resolve(ModelFiles.SPEC), "{\"architecture\": \"transformer\", \"classes\": 2,"
                    + " \"nonlinearity\": \"relu\", \"input\": [4]}");
            Files.writeString(d.resolve(ModelFiles.PARAMETERS), "");
            e = assertThrows(FormatException.class, () -> ModelFiles.load(d, m));
            assertTrue(e.getMessage().contains("model.json") && e.getMessage().contains("transformer"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec("mlp", 2, "tanh", false, new int[] {4}, new int[] {4}));
        assertTrue(e.getMessage().contains("'tanh'"), e.getMessage());
    }
}
