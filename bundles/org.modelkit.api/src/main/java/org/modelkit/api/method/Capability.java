package org.modelkit.api.method;

import java.util.Locale;

/**
 * What a method needs from a compute backend, and what a backend offers; the one list of both. A
 * method declares its needs once, in its {@link MethodDescriptor}; backends publish theirs lower-case in
 * the service property {@code capabilities} (see {@code org.modelkit.compute.api.ComputeBackend}). A
 * method that needs none is pure Java.
 */
public enum Capability {
    /** Runs forward passes of loaded models (ONNX Runtime or DJL). */
    INFERENCE,
    /** Computes gradients on DJL NDArrays: the backend is a {@code TensorBackend} (DJL/PyTorch). */
    AUTOGRAD,
    /** Computes on a GPU (for a method: needs one to be practical). */
    GPU;

    /** @return the value used in the service property, for example "autograd" */
    public String property() {
        return name().toLowerCase(Locale.ROOT);
    }
}
