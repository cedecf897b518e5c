package org.modelkit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.classify.Classification;
import org.modelkit.api.congruent.FlipMetrics;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Tensor;
import org.modelkit.classifier.internal.OpenClassifier;
import org.modelkit.compute.api.ComputeBackend;
import org.modelkit.io.Idx;
import org.modelkit.io.Images;
import org.modelkit.io.ResultFolders;

/**
 * Batch classify and flips on {@code local[2]} against what {@code modelkit:classify} computes in one JVM (the
 * classifier's {@link OpenClassifier}, opened for the call and run over the whole set): the 10,000 Fashion-MNIST test
 * images give the same classes and scores, each executor loads the model once, a task failing once is retried, a
 * folder of PNGs is classified as the IDX records it was made from, flips equal the flip metrics of the two models'
 * predictions, and a missing or unreadable model or a malformed input fails before any partition runs.
 */
class ClassifyJobTest {
    static final Path T10K = Path.of("..", "testdata", "fashion-mnist", "t10k-images-idx3-ubyte.gz");
    static final Path T10K_LABELS = Path.of("..", "testdata", "fashion-mnist", "t10k-labels-idx1-ubyte.gz");
    static final Path T1000 = Path.of("..", "testdata", "fashion-mnist", "t10k-1000-images-idx3-ubyte.gz");
    static final Path CNN = Path.of("..", "testdata", "models", "fashion-cnn-leaky");
    static final Path MLP_OLD = Path.of("..", "testdata", "models", "fashion-mlp-old");
    static JavaSparkContext sc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        sc = LocalSpark.context();
    }

    @AfterAll
    static void stop() {
        sc.close();
        ExecutorModels.closeAll();
    }

    @BeforeEach
    void emptyExecutor() {
        ExecutorModels.closeAll(); // each test starts with an executor that holds no model
    }

    /** @return what modelkit:classify computes: the model opened for the call, the whole set classified in one JVM */
    static Classification single(Path model, String engine, Tensor images) throws IOException {
        ComputeBackend b = ExecutorModels.backend(engine, sc.defaultParallelism());
        try (OpenClassifier m = OpenClassifier.open(model, b)) {
            return m.classify(images, null);
        }
    }

    /** @return the rows of every part, in partition order, without their headers */
    static List<String[]> rows(Path out) throws IOException {
        List<Path> parts;
        try (Stream<Path> s = Files.list(out)) {
            parts = s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
        }
        List<String[]> rows = new ArrayList<>();
        for (Path p : parts) {
            List<String> lines = Files.readAllLines(p);
            lines.stream().skip(1).map(l -> l.split(",")).forEach(rows::add);
        }
        return rows;
    }

    @Test
    void tenThousandImagesGiveWhatModelkitClassifyGivesWithOneLoadPerExecutor() throws Exception {
        Tensor images = Idx.readImages(T10K);
        int[] labels = Idx.readLabels(T10K_LABELS);
        Classification expected = single(CNN, ExecutorModels.PYTORCH, images);
        // the reference is a real classifier, not a collapsed one: ~0.90 and every class predicted often
        double accuracy = expected.accuracy(labels);
        assertTrue(accuracy > 0.85, "accuracy of the reference " + accuracy);
        int[] perClass = new int[10];
        for (int p : expected.predicted()) {
            perClass[p]++;
        }
        assertTrue(Arrays.stream(perClass).min().orElseThrow() > 500, "predicted classes " + Arrays.toString(perClass));

        Path out = tmp.resolve("classified");
        ClassifyJob.Result r = ClassifyJob.run(sc, new ClassifyJob.Options(List.of(CNN), T10K, ExecutorModels.PYTORCH, 8,
                true, 0), out);
        assertEquals(10_000, r.samples());
        assertEquals(8, r.partitions());
        assertEquals(1, r.loads(), "model loads by the tasks of the one executor (8 partitions, 2 at a time)");
        assertEquals(1, ExecutorModels.loads(), "models this JVM loaded for its tasks");
        assertEquals(accuracy, r.accuracy(), 1e-12);
        List<String[]> rows = rows(out);
        assertEquals(10_000, rows.size());
        double worst = 0;
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            assertEquals(Integer.toString(i), row[0], "ids in the input's order");
            assertEquals(labels[i], Integer.parseInt(row[1]), "label of " + i);
            assertEquals(expected.predicted()[i], Integer.parseInt(row[2]), "class of image " + i);
            float[] s = expected.scores().row(i);
            for (int k = 0; k < 10; k++) {
                worst = Math.max(worst, Math.abs(Float.parseFloat(row[3 + k]) - s[k]) / Math.max(1, Math.abs(s[k])));
            }
        }
        assertTrue(worst < 1e-4, "largest score difference " + worst);
        ResultFolders.verify(out); // the parts and summary.json belong together
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(10, s.count(), "8 parts, summary.json, the manifest");
        }
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"samples\": 10000") || summary.contains("\"samples\":10000"), summary);

        // a second job in the same executor keeps its model: no load
        ClassifyJob.Result again = ClassifyJob.run(sc, new ClassifyJob.Options(List.of(CNN), T10K, ExecutorModels.PYTORCH,
                3, false, 0), tmp.resolve("again"));
        assertEquals(0, again.loads(), "the executor still holds the model");
        assertEquals(r.correct(), again.correct());
    }

    @Test
    void onnxRuntimeRunsTheModelsOnnxFileAsOneJvmDoes() throws Exception {
        Tensor images = Idx.readImages(T1000);
        Classification expected = single(CNN, ExecutorModels.ONNX, images);
        assertTrue(expected.model().endsWith("model.onnx"), expected.model());
        ClassifyJob.Result r = ClassifyJob.run(sc, new ClassifyJob.Options(List.of(CNN), T1000, ExecutorModels.ONNX, 3,
                false, 0), tmp.resolve("onnx"));
        assertEquals("onnx-cpu", r.backend());
        int[] got = rows(tmp.resolve("onnx")).stream().mapToInt(row -> Integer.parseInt(row[2])).toArray();
        assertArrayEquals(expected.predicted(), got);
        assertTrue(r.accuracy() > 0.85, "accuracy " + r.accuracy());
    }

    @Test
    void aTaskFailingOnceIsRetriedAndTheResultIsTheSame() throws Exception {
        Classification expected = single(CNN, ExecutorModels.PYTORCH, Idx.readImages(T1000));
        sc.setLocalProperty(BetweennessJob.FAIL_ONCE, "2");
        try {
            ClassifyJob.run(sc, new ClassifyJob.Options(List.of(CNN), T1000, ExecutorModels.PYTORCH, 4, false, 0),
                    tmp.resolve("retried"));
        } finally {
            sc.setLocalProperty(BetweennessJob.FAIL_ONCE, null);
        }
        int[] got = rows(tmp.resolve("retried")).stream().mapToInt(row -> Integer.parseInt(row[2])).toArray();
        assertArrayEquals(expected.predicted(), got);
    }

    @Test
    void aFolderOfImagesIsClassifiedAsTheRecordsItWasMadeFrom() throws Exception {
        Tensor images = Idx.readImages(T1000);
        Path folder = Files.createDirectory(tmp.resolve("pngs"));
        int n = 120;
        for (int i = 0; i < n; i++) {
            Images.write(folder.resolve(String.format("img-%04d.png", i)), new Frame(28, 28, 1, images.select(new int[] {i}).toArray()));
        }
        int[] rows = new int[n];
        Arrays.setAll(rows, i -> i);
        Classification expected = single(CNN, ExecutorModels.PYTORCH, images.select(rows));
        ClassifyJob.Result r = ClassifyJob.run(sc, new ClassifyJob.Options(List.of(CNN), folder, ExecutorModels.PYTORCH,
                3, false, 0), tmp.resolve("folder"));
        assertEquals(-1, r.correct(), "a folder has no labels");
        List<String[]> got = rows(tmp.resolve("folder"));
        assertEquals(n, got.size());
        for (int i = 0; i < n; i++) {
            assertEquals(String.format("img-%04d.png", i), got.get(i)[0]);
            assertEquals(expected.predicted()[i], Integer.parseInt(got.get(i)[1]), "class of img-" + i);
        }
        // an image of another size is named
        Images.write(folder.resolve("img-0050.png"), new Frame(20, 28, 1, new float[20 * 28]));
        Exception e = assertThrows(Exception.class, () -> ClassifyJob.run(sc, new ClassifyJob.Options(List.of(CNN),
                folder, ExecutorModels.PYTORCH, 3, false, 0), tmp.resolve("folder")));
        assertTrue(String.valueOf(e.getMessage()).contains("img-0050.png: is 20x28"), e.getMessage());
        assertEquals(n, rows(tmp.resolve("folder")).size(), "the earlier result is still in place");
    }

    @Test
    void flipsEqualTheFlipMetricsOfTheTwoModelsPredictions() throws Exception {
        Tensor images = Idx.readImages(T10K);
        int[] labels = Idx.readLabels(T10K_LABELS);
        int[] old = single(MLP_OLD, ExecutorModels.PYTORCH, images).predicted();
        int[] updated = single(CNN, ExecutorModels.PYTORCH, images).predicted();
        FlipMetrics expected = FlipMetrics.of(labels, old, updated);
        // two real, different models: some negative flips, fewer than the new model's errors
        assertTrue(expected.negativeFlipRate() > 0.005 && expected.negativeFlipRate() < expected.newErrorRate(),
                "NFR " + expected.negativeFlipRate());
        Path out = tmp.resolve("flips");
        ClassifyJob.Result r = ClassifyJob.run(sc, new ClassifyJob.Options(List.of(MLP_OLD, CNN), T10K,
                ExecutorModels.PYTORCH, 5, false, 0), out);
        assertEquals(2, r.loads(), "one load of each model");
        FlipMetrics f = r.flips();
        assertEquals(expected.samples(), f.samples());
        assertEquals(expected.negativeFlipRate(), f.negativeFlipRate(), 1e-12);
        assertEquals(expected.positiveFlipRate(), f.positiveFlipRate(), 1e-12);
        assertEquals(expected.referenceAccuracy(), f.referenceAccuracy(), 1e-12);
        assertEquals(expected.newAccuracy(), f.newAccuracy(), 1e-12);
        List<String[]> rows = rows(out);
        long negatives = 0;
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            assertEquals(old[i], Integer.parseInt(row[2]));
            assertEquals(updated[i], Integer.parseInt(row[3]));
            negatives += row[4].equals("negative") ? 1 : 0;
        }
        assertEquals(Math.round(expected.negativeFlipRate() * 10_000), negatives);
    }

    @Test
    void aMissingOrUnreadableModelOrAMalformedInputFailsBeforeAnyPartitionRuns() throws Exception {
        int jobs = LocalSpark.jobs(sc);
        Path out = tmp.resolve("never");
        Exception missing = assertThrows(IllegalArgumentException.class, () -> ClassifyJob.run(sc,
                new ClassifyJob.Options(List.of(tmp.resolve("no-such-model")), T1000, ExecutorModels.PYTORCH, 2, false, 0),
                out));
        assertTrue(missing.getMessage().contains("no model file or directory") && missing.getMessage().contains(
                "no-such-model"), missing.getMessage());
        // an ONNX file that is not one
        Path garbled = Files.createDirectory(tmp.resolve("garbled"));
        Files.write(garbled.resolve("model.onnx"), "not a model".getBytes());
        Exception onnx = assertThrows(Exception.class, () -> ClassifyJob.run(sc, new ClassifyJob.Options(
                List.of(garbled), T1000, ExecutorModels.ONNX, 2, false, 0), out));
        assertTrue(onnx.getMessage().contains("model.onnx"), onnx.getMessage());
        // DJL parameters cut short
        Path cut = Files.createDirectory(tmp.resolve("cut"));
        Files.copy(CNN.resolve("model.json"), cut.resolve("model.json")); // no model.pt: the DJL parameters are loaded
        byte[] params = Files.readAllBytes(CNN.resolve("parameters.params"));
        Files.write(cut.resolve("parameters.params"), Arrays.copyOf(params, params.length / 2));
        Exception djl = assertThrows(Exception.class, () -> ClassifyJob.run(sc, new ClassifyJob.Options(List.of(cut),
                T1000, ExecutorModels.PYTORCH, 2, false, 0), out));
        assertTrue(String.valueOf(djl.getMessage()).contains("parameters"), djl.toString());
        // a malformed images file is named by the driver
        Path bad = tmp.resolve("bad-images-idx3-ubyte");
        Files.write(bad, new byte[] {1, 2, 8, 3, 0, 0, 0, 1});
        Exception idx = assertThrows(IOException.class, () -> ClassifyJob.run(sc, new ClassifyJob.Options(List.of(CNN),
                bad, ExecutorModels.PYTORCH, 2, false, 0), out));
        assertTrue(idx.getMessage().startsWith("bad-images-idx3-ubyte: bad magic number"), idx.getMessage());
        assertEquals(jobs, LocalSpark.jobs(sc), "no Spark job was started");
        assertEquals(0, ExecutorModels.loads(), "no executor loaded a model");
        assertFalse(Files.exists(out), "no result folder");
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".never")), "no staged folder left");
        }
    }
}
