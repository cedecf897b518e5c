package org.modelkit.compute.onnx.internal;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.EnumSet;
import java.util.Map;
import java.util.logging.Logger;
import org.modelkit.compute.api.BackendStatus;
import org.modelkit.api.method.Capability;
import org.modelkit.compute.api.ComputeBackend;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One factory configuration, one backend. The component registers the {@link ComputeBackend} itself,
 * because its published device and status depend on what it finds (a configured CUDA device that ONNX
 * Runtime cannot use makes it unavailable, or fall back to the CPU, as the policy says). A changed
 * configuration re-registers the backend; method components rebind through their dynamic references.
 */
@Component(configurationPid = "org.modelkit.compute.onnx", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}, immediate = true)
@Designate(ocd = OnnxBackendConfig.class, factory = true)
public class OnnxBackendProvider {
    private static final Logger LOG = Logger.getLogger(OnnxBackendProvider.class.getName());
    private final ServiceRegistration<ComputeBackend> registration;
    private final OnnxBackend backend;

    /**
     * @param context to register the backend
     * @param config  the backend's configuration
     */
    @Activate
    public OnnxBackendProvider(BundleContext context, OnnxBackendConfig config, Map<String, Object> properties) {
        String provider = config.execution_provider();
        String problem = null;
        if (!provider.equals("cpu") && !provider.equals("cuda")) {
            problem = "execution.provider '" + provider + "' must be cpu or cuda";
        } else if (!config.fallback().equals("fail") && !config.fallback().equals("cpu")) {
            problem = "fallback '" + config.fallback() + "' must be fail or cpu";
        } else {
            try {
                OnnxBackend.optimization(config.optimization()); // validates
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        BackendStatus status;
        boolean cuda = false;
        if (problem != null) {
            // shown by modelkit:backends with file, key and value, instead of a DS activation failure
            status = BackendStatus.misconfigured(provider.equals("cuda") ? "gpu:" + config.gpu() : "cpu", properties, problem);
            LOG.warning(config.backend_id() + ": " + status);
        } else if (provider.equals("cuda")) {
            EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
            String device = "gpu:" + config.gpu();
            if (available.contains(OrtProvider.CUDA)) {
                status = BackendStatus.running(device);
                cuda = true;
            } else {
                String reason = "this ONNX Runtime has no CUDA execution provider (available: " + available + ")";
                status = config.fallback().equals("cpu") ? BackendStatus.fellBack("cpu", reason)
                        : BackendStatus.unavailable(device, reason);
                LOG.warning(config.backend_id() + ": " + status);
            }
        } else {
            status = BackendStatus.running("cpu");
        }
        EnumSet<Capability> caps = cuda ? EnumSet.of(Capability.INFERENCE, Capability.GPU) : EnumSet.of(Capability.INFERENCE);
        backend = new OnnxBackend(config.backend_id(), status, caps, cuda ? config.gpu() : -1, config.threads(),
                problem == null ? config.optimization() : "all");
        registration = context.registerService(ComputeBackend.class, backend, ComputeBackend.serviceProperties(backend));
    }

    /**
     * An ONNX Runtime backend on the CPU without a framework: for plain Java programs that use a method's classes
     * directly (the Spark module's classify job). In OSGi, backends are services configured through ConfigAdmin.
     *
     * @param id      the backend's id, as results name it
     * @param threads ONNX Runtime's intra-op threads (0: its default)
     * @return an available backend
     */
    public static ComputeBackend local(String id, int threads) {
        return new OnnxBackend(id, BackendStatus.running("cpu"), EnumSet.of(Capability.INFERENCE), -1, threads, "all");
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        backend.closeModels();
    }
}
