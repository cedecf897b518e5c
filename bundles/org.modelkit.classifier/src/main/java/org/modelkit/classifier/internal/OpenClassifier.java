package org.modelkit.classifier.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.modelkit.api.classify.Classification;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.ComputeBackend;
import org.modelkit.compute.api.LoadedModel;
import org.modelkit.compute.api.ModelFormat;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.ModelFiles;

/**
 * A classifier model opened on one backend, to classify many sets before it is closed: {@link ModelClassifier} opens
 * one per call; a batch job (the Spark module's classify, which keeps one per executor JVM) opens it once. The model
 * file is chosen as {@link ModelClassifier#modelFile} chooses it: an ONNX or TorchScript file run by the backend, or a
 * DJL model folder (model.json, parameters.params) rebuilt on a tensor backend. Public for that job, which uses the
 * class as plain Java; the bundle does not export it.
 */
public final class OpenClassifier implements AutoCloseable {
    private final ComputeBackend backend;
    private final Path file;
    private final LoadedModel loaded;
    private final NDManager manager;
    private final ModelFiles.Loaded djl;

    private OpenClassifier(ComputeBackend backend, Path file, LoadedModel loaded, NDManager manager,
            ModelFiles.Loaded djl) {
        this.backend = backend;
        this.file = file;
        this.loaded = loaded;
        this.manager = manager;
        this.djl = djl;
    }

    /**
     * Opens a model on a backend.
     *
     * @param model a model file (.onnx, .pt) or a model directory
     * @param b     the backend that runs it
     * @return the open model; close it
     * @throws IllegalArgumentException if there is no such model, or none of its files runs on the backend
     * @throws IOException              if the model cannot be read or loaded
     */
    public static OpenClassifier open(Path model, ComputeBackend b) throws IOException {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null: a model file (.onnx, .pt) or a model directory");
        }
        Map.Entry<Path, ModelFormat> chosen = ModelClassifier.modelFile(model, b);
        Path file = chosen.getKey();
        if (chosen.getValue() == ModelFormat.DJL_PARAMETERS) {
            NDManager m = ((TensorBackend) b).newManager();
            try {
                return new OpenClassifier(b, file, null, m, ModelFiles.load(file, m));
            } catch (IOException | RuntimeException e) {
                m.close();
                throw e;
            }
        }
        return new OpenClassifier(b, file, b.load(file, chosen.getValue()), null, null);
    }

    /** @return the backend's id */
    public String backend() {
        return backend.id();
    }

    /** @return the file (or DJL model folder) that was loaded */
    public Path file() {
        return file;
    }

    /**
     * Classifies samples, {@link ModelClassifier#BATCH} at a time.
     *
     * @param features samples {@code [n, ...]}; images {@code [n, h, w]} are given a channel
     * @param progress progress and cancellation, or null
     * @return the predicted classes and the scores
     * @throws IllegalArgumentException if the samples do not fit the model, or its outputs are not [batch, classes]
     */
    public Classification classify(Tensor features, Progress progress) {
        if (features == null || features.rank() < 2 || features.dim(0) == 0) {
            throw new IllegalArgumentException("features must hold samples [n, ...], got " + features);
        }
        Progress p = progress == null ? Progress.NONE : progress;
        return djl != null ? djl(features, p) : loaded(features, p);
    }

    private Classification loaded(Tensor features, Progress p) {
        int n = features.dim(0);
        int[] shape = features.shape();
        int[] batchShape = shape.length == 3 ? new int[] {0, 1, shape[1], shape[2]} : shape.clone();
        int batch = ModelClassifier.BATCH;
        int[] predicted = new int[n];
        float[] scores = null;
        int classes = 0;
        for (int s = 0; s < n; s += batch) {
            p.checkCancelled();
            int[] rows = rows(s, Math.min(batch, n - s));
            batchShape[0] = rows.length;
            Tensor out;
            try {
                out = loaded.run(List.of(features.select(rows).reshape(batchShape))).get(0);
            } catch (IllegalArgumentException e) {
                String why = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
                throw new IllegalArgumentException("samples of shape " + Arrays.toString(
                        Arrays.copyOfRange(shape, 1, shape.length)) + " do not fit model '" + file + "': " + why, e);
            }
            if (out.rank() != 2 || out.dim(0) != rows.length) {
                throw new IllegalArgumentException("model '" + file + "' gives outputs of shape "
                        + Arrays.toString(out.shape()) + ", not [batch, classes]");
            }
            if (scores == null) {
                classes = out.dim(1);
                scores = new float[n * classes];
            }
            float[] o = out.toArray();
            System.arraycopy(o, 0, scores, s * classes, o.length);
            argmax(o, classes, predicted, s, rows.length);
            p.report("batch", s / batch + 1, (n + batch - 1) / batch);
        }
        return new Classification(predicted, Tensor.of(scores, n, classes), backend.id(), file.toString());
    }

    /**
     * A DJL model folder (model.json, parameters.params) on a tensor backend: the network rebuilt from its spec, run in
     * inference mode batch by batch; the scores are its outputs.
     */
    private Classification djl(Tensor features, Progress p) {
        int n = features.dim(0);
        int[] sample = Arrays.copyOfRange(features.shape(), 1, features.rank());
        if (!djl.spec().accepts(sample)) {
            throw new IllegalArgumentException("samples of shape " + Arrays.toString(sample) + " do not fit model '"
                    + file + "', which takes " + Arrays.toString(djl.spec().input()));
        }
        int batch = ModelClassifier.BATCH;
        int classes = djl.spec().classes();
        float[] scores = new float[n * classes];
        int[] predicted = new int[n];
        for (int s = 0; s < n; s += batch) {
            p.checkCancelled();
            int[] rows = rows(s, Math.min(batch, n - s));
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = Datasets.rows(sub, features, rows);
                float[] o = djl.block().forward(new ParameterStore(sub, false), new NDList(x), false).singletonOrThrow()
                        .toType(DataType.FLOAT32, false).toFloatArray();
                System.arraycopy(o, 0, scores, s * classes, o.length);
                argmax(o, classes, predicted, s, rows.length);
            }
            p.report("batch", s / batch + 1, (n + batch - 1) / batch);
        }
        return new Classification(predicted, Tensor.of(scores, n, classes), backend.id(), file.toString());
    }

    private static int[] rows(int from, int count) {
        int[] rows = new int[count];
        for (int i = 0; i < count; i++) {
            rows[i] = from + i;
        }
        return rows;
    }

    private static void argmax(float[] o, int classes, int[] predicted, int offset, int count) {
        for (int i = 0; i < count; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                best = o[i * classes + c] > o[i * classes + best] ? c : best;
            }
            predicted[offset + i] = best;
        }
    }

    @Override
    public void close() {
        if (loaded != null) {
            loaded.close();
        }
        if (manager != null) {
            manager.close();
        }
    }
}
