package org.modelkit.classifier.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.modelkit.api.classify.Classification;
import org.modelkit.api.classify.Classifier;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.method.Capability;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.BackendBinding;
import org.modelkit.compute.api.ComputeBackend;
import org.modelkit.compute.api.LoadedModel;
import org.modelkit.compute.api.ModelFormat;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.ModelFiles;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@link Classifier} "classify": a trained model run on whichever {@link ComputeBackend} is bound,
 * ONNX files on ONNX Runtime, TorchScript files on PyTorch. The backend is a dynamic, greedy reference
 * retargeted through ConfigAdmin ({@code backend.target}, as {@code modelkit:backend use} sets it); a
 * call in flight finishes on the backend it started on, and the model is loaded for the call and closed
 * after it, so nothing is left on a backend that goes away. Immediate, so {@code modelkit:backends}
 * shows its binding at once.
 */
@Component(service = {Classifier.class, Method.class}, configurationPid = ModelClassifier.PID, immediate = true,
        property = Method.NAME_PROPERTY + "=classify")
public class ModelClassifier implements Classifier {
    /** The configuration PID. */
    public static final String PID = "org.modelkit.classifier";
    /** Samples per forward pass. */
    static final int BATCH = 256;

    private final MethodDescriptor descriptor;
    private final BackendBinding<ComputeBackend> backend;

    /** @param context for the bundle's version */
    @Activate
    public ModelClassifier(BundleContext context) {
        this(context.getBundle().getVersion().toString());
    }

    /** Without OSGi: a version string; bind a backend by hand. */
    ModelClassifier(String version) {
        this.descriptor = new MethodDescriptor("classify", "a trained classifier (ONNX, TorchScript, or a DJL model folder on PyTorch) on the bound backend",
                "baseline", version, Set.of(Capability.INFERENCE));
        this.backend = new BackendBinding<>(descriptor);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        // the new backend.target is applied by DS through the dynamic reference
    }

    @Reference(name = "backend", service = ComputeBackend.class, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(modelkit.backend.available=true)")
    void bindBackend(ComputeBackend b) {
        backend.bind(b);
    }

    void unbindBackend(ComputeBackend b) {
        backend.unbind(b);
    }

    @Override
    public MethodDescriptor descriptor() {
        return descriptor;
    }

    /** The file a model directory holds for a format. */
    private static String fileName(ModelFormat f) {
        return switch (f) {
            case ONNX -> "model.onnx";
            case TORCHSCRIPT -> "model.pt";
            case DJL_PARAMETERS -> "parameters.params";
        };
    }

    /** Of the two formats this method runs, those the backend loads (ONNX first). */
    private static List<ModelFormat> runnable(ComputeBackend b) {
        return b.formats().stream().filter(f -> f == ModelFormat.ONNX || f == ModelFormat.TORCHSCRIPT).sorted().toList();
    }

    /**
     * The model file the backend loads, and its format: the file itself, or in a model directory the
     * first of model.onnx and model.pt whose format the backend loads (it says which: {@link ComputeBackend#formats()}).
     */
    static Map.Entry<Path, ModelFormat> modelFile(Path model, ComputeBackend b) {
        List<ModelFormat> loads = runnable(b);
        if (!Files.exists(model)) {
            throw new IllegalArgumentException("no model file or directory '" + model + "'");
        }
        if (loads.isEmpty()) {
            throw new IllegalArgumentException("backend " + b.id() + " (" + b.engine() + ") loads neither ONNX nor"
                    + " TorchScript models (it loads " + b.formats() + ")");
        }
        if (Files.isDirectory(model)) {
            for (ModelFormat f : loads) {
                Path file = model.resolve(fileName(f));
                if (Files.isRegularFile(file)) {
                    return Map.entry(file, f);
                }
            }
            if (Files.isRegularFile(model.resolve(ModelFiles.PARAMETERS)) && Files.isRegularFile(model.resolve(ModelFiles.SPEC))) {
                if (b instanceof TensorBackend) {
                    return Map.entry(model, ModelFormat.DJL_PARAMETERS);
                }
                throw new IllegalArgumentException("model directory '" + model + "' holds DJL parameters (model.json,"
                        + " parameters.params), which run on a tensor backend such as PyTorch; backend " + b.id() + " ("
                        + b.engine() + ") loads " + loads.stream().map(ModelFormat::name)
                        .collect(java.util.stream.Collectors.joining(", ")) + " models");
            }
            throw new IllegalArgumentException("model directory '" + model + "' has no " + loads.stream()
                    .map(ModelClassifier::fileName).collect(java.util.stream.Collectors.joining(" or ")) + ", which backend "
                    + b.id() + " (" + b.engine() + ") needs");
        }
        ModelFormat f = format(model);
        if (!loads.contains(f)) {
            throw new IllegalArgumentException("backend " + b.id() + " (" + b.engine() + ") loads " + loads.stream()
                    .map(ModelFormat::name).collect(java.util.stream.Collectors.joining(", ")) + " models; '" + model
                    + "' is " + f + " (bind another backend with modelkit:backend use ID classify, or give a model"
                    + " directory with model.onnx and model.pt)");
        }
        return Map.entry(model, f);
    }

    private static ModelFormat format(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".onnx")) {
            return ModelFormat.ONNX;
        }
        if (n.endsWith(".pt") || n.endsWith(".torchscript")) {
            return ModelFormat.TORCHSCRIPT;
        }
        throw new IllegalArgumentException("'" + file + "' is neither an ONNX (.onnx) nor a TorchScript (.pt) model");
    }

    @Override
    public Classification classify(Path model, Tensor features, Progress progress) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null: a model file (.onnx, .pt) or a model directory");
        }
        ComputeBackend b = backend.require(); // the call finishes on it
        if (features == null || features.rank() < 2 || features.dim(0) == 0) {
            throw new IllegalArgumentException("features must hold samples [n, ...], got " + features);
        }
        Progress p = progress == null ? Progress.NONE : progress;
        Map.Entry<Path, ModelFormat> chosen = modelFile(model, b);
        Path file = chosen.getKey();
        int n = features.dim(0);
        int[] shape = features.shape();
        int[] batchShape = shape.length == 3 ? new int[] {0, 1, shape[1], shape[2]} : shape.clone();
        if (chosen.getValue() == ModelFormat.DJL_PARAMETERS) {
            return djl(file, (TensorBackend) b, features, p);
        }
        int[] predicted = new int[n];
        float[] scores = null;
        int classes = 0;
        try (LoadedModel m = b.load(file, chosen.getValue())) {
            for (int s = 0; s < n; s += BATCH) {
                p.checkCancelled();
                int[] rows = new int[Math.min(BATCH, n - s)];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = s + i;
                }
                batchShape[0] = rows.length;
                Tensor out;
                try {
                    out = m.run(List.of(features.select(rows).reshape(batchShape))).get(0);
                } catch (IllegalArgumentException e) {
                    String why = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
                    throw new IllegalArgumentException("samples of shape " + java.util.Arrays.toString(
                            java.util.Arrays.copyOfRange(shape, 1, shape.length)) + " do not fit model '" + file + "': "
                            + why, e);
                }
                if (out.rank() != 2 || out.dim(0) != rows.length) {
                    throw new IllegalArgumentException("model '" + file + "' gives outputs of shape "
                            + java.util.Arrays.toString(out.shape()) + ", not [batch, classes]");
                }
                if (scores == null) {
                    classes = out.dim(1);
                    scores = new float[n * classes];
                }
                float[] o = out.toArray();
                System.arraycopy(o, 0, scores, s * classes, o.length);
                for (int i = 0; i < rows.length; i++) {
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        best = o[i * classes + c] > o[i * classes + best] ? c : best;
                    }
                    predicted[s + i] = best;
                }
                p.report("batch", s / BATCH + 1, (n + BATCH - 1) / BATCH);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        return new Classification(predicted, Tensor.of(scores, n, classes), b.id(), file.toString());
    }

    /**
     * A DJL model folder (model.json, parameters.params) on a tensor backend: the network rebuilt from its
     * spec, its parameters loaded, run in inference mode batch by batch; the scores are its outputs.
     */
    private static Classification djl(Path folder, TensorBackend b, Tensor features, Progress p) {
        int n = features.dim(0);
        try (ai.djl.ndarray.NDManager m = b.newManager()) {
            ModelFiles.Loaded loaded;
            try {
                loaded = ModelFiles.load(folder, m);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            int[] sample = java.util.Arrays.copyOfRange(features.shape(), 1, features.rank());
            if (!loaded.spec().accepts(sample)) {
                throw new IllegalArgumentException("samples of shape " + java.util.Arrays.toString(sample) + " do not fit model '"
                        + folder + "', which takes " + java.util.Arrays.toString(loaded.spec().input()));
            }
            int classes = loaded.spec().classes();
            float[] scores = new float[n * classes];
            int[] predicted = new int[n];
            for (int s = 0; s < n; s += BATCH) {
                p.checkCancelled();
                int[] rows = new int[Math.min(BATCH, n - s)];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = s + i;
                }
                try (ai.djl.ndarray.NDManager sub = m.newSubManager()) {
                    ai.djl.ndarray.NDArray x = Datasets.rows(sub, features, rows);
                    float[] o = loaded.block().forward(new ai.djl.training.ParameterStore(sub, false),
                            new ai.djl.ndarray.NDList(x), false).singletonOrThrow()
                            .toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                    System.arraycopy(o, 0, scores, s * classes, o.length);
                    for (int i = 0; i < rows.length; i++) {
                        int best = 0;
                        for (int c = 1; c < classes; c++) {
                            best = o[i * classes + c] > o[i * classes + best] ? c : best;
                        }
                        predicted[s + i] = best;
                    }
                }
                p.report("batch", s / BATCH + 1, (n + BATCH - 1) / BATCH);
            }
            return new Classification(predicted, Tensor.of(scores, n, classes), b.id(), folder.toString());
        }
    }
}
