package org.modelkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.progress.Progress;
import org.modelkit.io.FormatException;
import org.modelkit.io.Idx;

class TrainingTest {
    static Path testdata(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p.resolve("testdata").resolve(relative);
    }

    static LabelledSet fashion(String split, int n) throws IOException {
        return Idx.readLabelled(testdata("fashion-mnist/" + split + "-" + n + "-images-idx3-ubyte.gz"),
                testdata("fashion-mnist/" + split + "-" + n + "-labels-idx1-ubyte.gz"), null);
    }

    @Test
    void smallCnnLearnsFashionMnistAndSavedParametersReproduceItsPredictions(@TempDir Path tmp) throws Exception {
        LabelledSet train = fashion("train", 2000);
        LabelledSet test = fashion("t10k", 1000);
        Training.Config config = new Training.Config(8, 64, Training.Method.SGD, 0.05, 0.9, 1e-4,
                Training.Schedule.COSINE, 7);
        try (Model model = Model.newInstance("cnn")) {
            model.setBlock(Networks.smallCnn(10, Networks.Nonlinearity.LEAKY_RELU, false));
            Training.Report r = Training.train(model, train, test, config, Progress.NONE);
            System.out.println("small CNN on 2,000 Fashion-MNIST images: test accuracy per epoch "
                    + java.util.Arrays.toString(r.evalAccuracy()) + ", loss " + java.util.Arrays.toString(r.loss()));
            assertTrue(r.finalEvalAccuracy() >= 0.78, "test accuracy " + r.finalEvalAccuracy()); // measured 0.821
            assertTrue(r.loss()[r.loss().length - 1] < r.loss()[0], "the loss fell");
            int[] before = Training.predict(model, test.features(), 128);
            Path file = tmp.resolve("cnn.params");
            Parameters.save(model.getBlock(), file);
            try (Model again = Model.newInstance("cnn-again")) {
                again.setBlock(Networks.smallCnn(10, Networks.Nonlinearity.LEAKY_RELU, false));
                again.getBlock().initialize(again.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32,
                        new Shape(1, 1, 28, 28));
                Parameters.load(again.getBlock(), again.getNDManager(), file);
                assertArrayEquals(before, Training.predict(again, test.features(), 128));
                // cut short: named, not a bare EOFException
                byte[] whole = Files.readAllBytes(file);
                Path cut = Files.write(tmp.resolve("cut.params"), java.util.Arrays.copyOf(whole, whole.length / 2));
                FormatException e = assertThrows(FormatException.class,
                        () -> Parameters.load(again.getBlock(), again.getNDManager(), cut));
                assertTrue(e.getMessage().startsWith("cut.params: is truncated"), e.getMessage());
            }
            Path junk = Files.writeString(tmp.resolve("junk.params"), "not parameters");
            try (Model other = Model.newInstance("mlp")) {
                other.setBlock(Networks.mlp(new int[] {8}, 10, Networks.Nonlinearity.RELU));
                other.getBlock().initialize(other.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32,
                        new Shape(1, 784));
                assertThrows(FormatException.class, () -> Parameters.load(other.getBlock(), other.getNDManager(), junk));
            }
        }
    }

    @Test
    void labelledSetsBecomeDjlDatasets() throws Exception {
        LabelledSet test = fashion("t10k", 1000);
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            ai.djl.training.dataset.ArrayDataset d = Datasets.of(test, m, 100, false);
            assertTrue(d.size() == 1000, "size " + d.size());
            ai.djl.training.dataset.Batch first = d.getData(m).iterator().next();
            assertTrue(first.getData().head().getShape().equals(new Shape(100, 1, 28, 28)), first.getData().head().getShape().toString());
            assertTrue(first.getLabels().head().getFloat(0) == test.label(0));
            first.close();
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new Training.Config(0, 64, Training.Method.SGD, 0.1, 0.9, 0, Training.Schedule.CONSTANT, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new Training.Config(1, 64, Training.Method.SGD, 0.1, 1.0, 0, Training.Schedule.CONSTANT, 1));
        assertThrows(IllegalArgumentException.class, () -> Networks.mlp(new int[] {0}, 10, Networks.Nonlinearity.RELU));
    }
}
