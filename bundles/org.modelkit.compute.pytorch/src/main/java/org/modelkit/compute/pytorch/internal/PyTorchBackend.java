package org.modelkit.compute.pytorch.internal;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.method.Capability;
import org.modelkit.compute.api.BackendStatus;
import org.modelkit.compute.api.ComputeBackend;
import org.modelkit.compute.api.LoadedModel;
import org.modelkit.compute.api.ModelFormat;
import org.modelkit.compute.api.TensorBackend;

/**
 * A TensorBackend on DJL's PyTorch engine: NDManagers and models on its device, TorchScript models for
 * inference. The only class that calls DJL's engine, manager and model factories (the architecture
 * test in integration-tests enforces it).
 */
final class PyTorchBackend implements TensorBackend {
    private final String id;
    private final PyTorchEngine engine;
    private final Device device;
    private final BackendStatus status;
    private final Set<Capability> capabilities;

    PyTorchBackend(String id, PyTorchEngine engine, Device device, BackendStatus status, EnumSet<Capability> caps) {
        this.id = id;
        this.engine = engine;
        this.device = device;
        this.status = status;
        this.capabilities = Collections.unmodifiableSet(caps);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String engine() {
        return "PyTorch";
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public BackendStatus status() {
        return status;
    }

    private void checkAvailable() {
        if (!status.available()) {
            throw new IllegalStateException(id + " is unavailable: " + status.reason());
        }
    }

    @Override
    public Set<ModelFormat> formats() {
        return Set.of(ModelFormat.TORCHSCRIPT);
    }

    @Override
    public Device device() {
        checkAvailable();
        return device;
    }

    @Override
    public NDManager newManager() {
        checkAvailable();
        return engine.engine().newBaseManager(device);
    }

    @Override
    public Model newModel(String name) {
        checkAvailable();
        return PyTorchEngine.withDjlLoader(() -> Model.newInstance(name, device, "PyTorch"));
    }

    @Override
    public LoadedModel load(Path file, ModelFormat format) throws IOException {
        if (format != ModelFormat.TORCHSCRIPT) {
            throw new IllegalArgumentException(id + " loads TorchScript models; " + format + " needs "
                    + (format == ModelFormat.ONNX ? "an ONNX Runtime backend" : "the network's block (org.modelkit.nn)"));
        }
        checkAvailable();
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        Model model = newModel(file.getFileName().toString());
        try {
            model.load(file);
        } catch (MalformedModelException | ai.djl.engine.EngineException e) {
            model.close();
            throw new IOException(file.getFileName() + ": not a TorchScript model: " + firstLine(e.getMessage()), e);
        }
        return new TorchScriptModel(id, model);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A TorchScript module with one predictor per call (DJL predictors are not thread-safe). */
    private static final class TorchScriptModel implements LoadedModel {
        private final String backendId;
        private final Model model;
        private volatile boolean closed;

        TorchScriptModel(String backendId, Model model) {
            this.backendId = backendId;
            this.model = model;
        }

        @Override
        public String backendId() {
            return backendId;
        }

        @Override
        public List<String> inputNames() {
            return List.of("input");
        }

        @Override
        public List<Tensor> run(List<Tensor> inputs) {
            if (closed) {
                throw new IllegalStateException("the model was closed");
            }
            try (NDManager m = model.getNDManager().newSubManager();
                    Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator())) {
                NDList in = new NDList();
                for (Tensor t : inputs) {
                    long[] shape = new long[t.rank()];
                    for (int d = 0; d < shape.length; d++) {
                        shape[d] = t.dim(d);
                    }
                    in.add(m.create(t.asBuffer(), new Shape(shape)));
                }
                List<Tensor> out = new ArrayList<>();
                for (NDArray a : p.predict(in)) {
                    long[] s = a.getShape().getShape();
                    int[] shape = new int[s.length];
                    for (int d = 0; d < s.length; d++) {
                        shape[d] = Math.toIntExact(s[d]);
                    }
                    out.add(Tensor.of(a.toFloatArray(), shape));
                }
                return out;
            } catch (TranslateException e) {
                throw new IllegalArgumentException("the TorchScript model refused the inputs: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            closed = true;
            model.close();
        }
    }
}
