package org.modelkit.compute.pytorch;

import ai.djl.Device;
import java.util.EnumSet;
import org.modelkit.api.method.Capability;
import org.modelkit.compute.api.BackendStatus;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.internal.PyTorchBackendProvider;

/**
 * A PyTorch backend without a framework: for unit tests, benchmarks and plain Java programs that use a
 * method's classes directly. In OSGi, backends are services configured through ConfigAdmin; use those.
 */
public final class LocalBackends {
    private LocalBackends() {
    }

    /**
     * @param id the backend's id, as results name it
     * @return an available PyTorch backend on the CPU
     */
    public static TensorBackend pytorchCpu(String id) {
        return PyTorchBackendProvider.local(id, Device.cpu(), BackendStatus.running("cpu"),
                EnumSet.of(Capability.INFERENCE, Capability.AUTOGRAD));
    }
}
