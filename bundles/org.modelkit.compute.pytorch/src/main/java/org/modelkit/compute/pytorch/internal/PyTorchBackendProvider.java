package org.modelkit.compute.pytorch.internal;

import ai.djl.Device;
import java.util.EnumSet;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.modelkit.api.method.Capability;
import org.modelkit.compute.api.BackendStatus;
import org.modelkit.compute.api.ComputeBackend;
import org.modelkit.compute.api.TensorBackend;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One factory configuration, one backend, registered by the component itself so that its published
 * device and status say what it found: a configured GPU that PyTorch cannot see makes it unavailable,
 * or fall back to the CPU, as the policy says, with the reason.
 */
@Component(configurationPid = "org.modelkit.compute.pytorch", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}, immediate = true)
@Designate(ocd = PyTorchBackendConfig.class, factory = true)
public class PyTorchBackendProvider {
    private static final Logger LOG = Logger.getLogger(PyTorchBackendProvider.class.getName());
    private static final Pattern GPU = Pattern.compile("gpu:(\\d{1,3})");
    private final ServiceRegistration<?> registration;

    /**
     * @param context to register the backend
     * @param engine  the initialised PyTorch engine
     * @param config  the backend's configuration
     */
    @Activate
    public PyTorchBackendProvider(BundleContext context, @Reference PyTorchEngine engine, PyTorchBackendConfig config,
            Map<String, Object> properties) {
        String configured = config.device();
        Matcher gpu = GPU.matcher(configured);
        BackendStatus status;
        Device device;
        // a bad value makes the backend unavailable, shown with file, key and value, instead of a DS
        // activation failure that logs a stack trace and makes the backend vanish
        if (!config.fallback().equals("fail") && !config.fallback().equals("cpu")) {
            status = BackendStatus.misconfigured(configured, properties, "fallback '" + config.fallback() + "' must be fail or cpu");
            device = null;
            LOG.warning(config.backend_id() + ": " + status);
        } else if (configured.equals("cpu")) {
            status = BackendStatus.running("cpu");
            device = Device.cpu();
        } else if (gpu.matches()) {
            int n = Integer.parseInt(gpu.group(1));
            int visible = engine.engine().getGpuCount();
            if (n < visible) {
                status = BackendStatus.running(configured);
                device = Device.gpu(n);
            } else {
                String reason = "PyTorch sees " + visible + " GPU(s), so " + configured + " cannot be used";
                boolean cpu = config.fallback().equals("cpu");
                status = cpu ? BackendStatus.fellBack("cpu", reason) : BackendStatus.unavailable(configured, reason);
                device = cpu ? Device.cpu() : null;
                LOG.warning(config.backend_id() + ": " + status);
            }
        } else {
            status = BackendStatus.misconfigured(configured, properties, "device '" + configured + "' must be cpu or gpu:N");
            device = null;
            LOG.warning(config.backend_id() + ": " + status);
        }
        EnumSet<Capability> caps = EnumSet.of(Capability.INFERENCE, Capability.AUTOGRAD);
        if (device != null && device.isGpu()) {
            caps.add(Capability.GPU);
        }
        PyTorchBackend backend = new PyTorchBackend(config.backend_id(), engine, device, status, caps);
        // as both: every backend is a ComputeBackend; methods that train reference TensorBackend
        registration = context.registerService(new String[] {ComputeBackend.class.getName(), TensorBackend.class.getName()},
                backend, ComputeBackend.serviceProperties(backend));
    }

    /** The engine of the backends made outside OSGi, initialised once. */
    private static final class LocalEngine {
        static final PyTorchEngine ENGINE = new PyTorchEngine();
    }

    /** A backend outside OSGi (see {@link org.modelkit.compute.pytorch.LocalBackends}). */
    public static TensorBackend local(String id, Device device, BackendStatus status, EnumSet<Capability> caps) {
        return new PyTorchBackend(id, LocalEngine.ENGINE, device, status, caps);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
    }
}
