package org.modelkit.compute.onnx.internal;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.WeakHashMap;
import org.modelkit.compute.api.BackendStatus;
import org.modelkit.api.method.Capability;
import org.modelkit.compute.api.ComputeBackend;
import org.modelkit.compute.api.LoadedModel;
import org.modelkit.compute.api.ModelFormat;

/** A ComputeBackend on ONNX Runtime: loads ONNX files; computes no NDArrays. */
final class OnnxBackend implements ComputeBackend {
    private final String id;
    private final BackendStatus status;
    private final Set<Capability> capabilities;
    private final int gpu;
    private final int threads;
    private final OrtSession.SessionOptions.OptLevel optimization;
    private final Set<OnnxModel> models = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    OnnxBackend(String id, BackendStatus status, EnumSet<Capability> capabilities, int gpu, int threads,
            String optimization) {
        this.id = id;
        this.status = status;
        this.capabilities = Collections.unmodifiableSet(capabilities);
        this.gpu = gpu;
        this.threads = threads;
        this.optimization = optimization(optimization);
    }

    static OrtSession.SessionOptions.OptLevel optimization(String name) {
        return switch (name) {
            case "none" -> OrtSession.SessionOptions.OptLevel.NO_OPT;
            case "basic" -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case "extended" -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case "all" -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            default -> throw new IllegalArgumentException("optimization '" + name + "' must be none, basic, extended or all");
        };
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String engine() {
        return "OnnxRuntime";
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public BackendStatus status() {
        return status;
    }

    @Override
    public Set<ModelFormat> formats() {
        return Set.of(ModelFormat.ONNX);
    }

    @Override
    public LoadedModel load(Path file, ModelFormat format) throws IOException {
        if (format != ModelFormat.ONNX) {
            throw new IllegalArgumentException(id + " loads ONNX models only, not " + format);
        }
        if (!status.available()) {
            throw new IllegalStateException(id + " is unavailable: " + status.reason());
        }
        byte[] bytes = Files.readAllBytes(file);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(optimization);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            if (gpu >= 0) {
                options.addCUDA(gpu);
            }
            OnnxModel model = new OnnxModel(id, env, env.createSession(bytes, options));
            models.add(model);
            return model;
        } catch (OrtException e) {
            throw new IOException(file.getFileName() + ": not a valid ONNX model for " + id + ": " + e.getMessage(), e);
        }
    }

    /** Closes the models still open when the backend goes away. */
    void closeModels() {
        synchronized (models) {
            for (OnnxModel m : models) {
                m.close();
            }
            models.clear();
        }
    }

    @Override
    public String toString() {
        return id + " (" + status + ")";
    }
}
