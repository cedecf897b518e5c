package org.modelkit.api.classify;

import java.nio.file.Path;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.method.Method;
import org.modelkit.api.progress.Progress;
import org.osgi.annotation.versioning.ProviderType;

/** Runs a trained classifier on samples, on the compute backend the method is bound to. */
@ProviderType
public interface Classifier extends Method {
    /**
     * @param model    a model file (ONNX or TorchScript), or a model directory holding {@code model.onnx}
     *                 and {@code model.pt}, of which the one the bound backend loads is taken, or a DJL model
     *                 directory ({@code model.json}, {@code parameters.params}), which runs on a tensor
     *                 backend (PyTorch)
     * @param features samples, first dimension = number of samples, with the shape the model takes
     *                 (grey images {@code [n, h, w]} get a channel axis)
     * @param progress "batch" reports; may cancel between batches
     * @return the predictions and scores
     * @throws IllegalArgumentException if the bound backend cannot load the model's format (named), or
     *                                  the samples do not fit the model
     * @throws IllegalStateException    if no backend is bound
     * @throws java.io.UncheckedIOException if the model cannot be read
     */
    Classification classify(Path model, Tensor features, Progress progress);
}
