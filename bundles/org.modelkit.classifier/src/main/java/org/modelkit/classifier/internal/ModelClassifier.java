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
import org.modelkit.compute.api.ModelFormat;
import org.modelkit.compute.api.TensorBackend;
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
        try (OpenClassifier m = OpenClassifier.open(model, b)) {
            return m.classify(features, progress);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
