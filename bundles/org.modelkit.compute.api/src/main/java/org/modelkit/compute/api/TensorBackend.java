package org.modelkit.compute.api;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A {@link ComputeBackend} that computes on DJL NDArrays with autograd, registered under this interface
 * as well as {@link ComputeBackend} only by backends with {@link org.modelkit.api.method.Capability#AUTOGRAD}
 * (the DJL/PyTorch backends). A method that trains takes every manager, model and device from the
 * backend it is bound to, never from DJL's static factories, so the binding that
 * {@code modelkit:backends} shows is the one that computes (a GPU backend included).
 */
@ProviderType
public interface TensorBackend extends ComputeBackend {
    /**
     * @return the DJL device this backend computes on, for example {@code cpu()} or {@code gpu(0)}
     * @throws IllegalStateException if the backend is unavailable
     */
    Device device();

    /**
     * A new DJL NDManager on this backend's engine and device, for work that stays on the device (an EMA
     * update, a Jacobian-vector product). The caller closes it.
     *
     * @return the manager
     * @throws IllegalStateException if the backend is unavailable
     */
    NDManager newManager();

    /**
     * A new, empty DJL model on this backend's engine and device, to set a block on and train with a
     * {@code Trainer}. The caller closes it.
     *
     * @param name the model's name
     * @return the model
     * @throws IllegalStateException if the backend is unavailable
     */
    Model newModel(String name);
}
