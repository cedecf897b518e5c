package org.modelkit.compute.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.modelkit.api.method.Capability;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One engine on one device, as an OSGi service. Providers register it with the service properties
 * {@link #ID}, {@link #ENGINE}, {@link #DEVICE} (the device actually used) and {@link #CAPABILITIES}
 * (a String+ of {@link Capability#property()} values). A call that started on a backend finishes on it
 * even if a method component is rebound to another one meanwhile. Backends that compute on DJL NDArrays
 * are also registered as {@link TensorBackend}.
 */
@ProviderType
public interface ComputeBackend {
    /** Service property: the backend's id, for example "pytorch-cpu" or "onnx-cpu". */
    String ID = "modelkit.backend.id";
    /** Service property: the engine, "PyTorch" or "OnnxRuntime". */
    String ENGINE = "modelkit.backend.engine";
    /** Service property: the device used, for example "cpu" or "gpu:0". */
    String DEVICE = "modelkit.backend.device";
    /** Service property: the capabilities, lower-case, for example {"inference", "autograd"}. */
    String CAPABILITIES = "capabilities";
    /** Service property: whether the backend can compute (Boolean); filter unavailable ones out with it. */
    String AVAILABLE = "modelkit.backend.available";
    /** Service property: the status as one line, for example "available on cpu". */
    String STATUS = "modelkit.backend.status";

    /**
     * The service properties a provider registers a backend with: {@link #ID}, {@link #ENGINE},
     * {@link #DEVICE} (the device actually used), {@link #CAPABILITIES}, {@link #AVAILABLE} and {@link #STATUS}.
     *
     * @param backend the backend, with its status settled
     * @return the properties, ready for {@code BundleContext.registerService}
     */
    static java.util.Dictionary<String, Object> serviceProperties(ComputeBackend backend) {
        java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        BackendStatus status = backend.status();
        props.put(ID, backend.id());
        props.put(ENGINE, backend.engine());
        props.put(DEVICE, status.device());
        props.put(CAPABILITIES, backend.capabilities().stream().map(Capability::property).toArray(String[]::new));
        props.put(AVAILABLE, status.available());
        props.put(STATUS, status.toString());
        return props;
    }

    /** @return the id, unique among the registered backends */
    String id();

    /** @return "PyTorch" or "OnnxRuntime" */
    String engine();

    /** @return what the backend can do */
    Set<Capability> capabilities();

    /** @return whether it can compute now, on which device, and why not */
    BackendStatus status();

    /** @return the model formats {@link #load} takes, in order of preference */
    Set<ModelFormat> formats();

    /**
     * Loads a model file for inference on this backend.
     *
     * @param file   the model file
     * @param format its format, one of {@link #formats()}
     * @return the loaded model; the caller closes it
     * @throws IllegalArgumentException if this backend does not load the format
     * @throws IOException              if the file cannot be read or is not a valid model (named)
     * @throws IllegalStateException    if the backend is unavailable
     */
    LoadedModel load(Path file, ModelFormat format) throws IOException;
}
