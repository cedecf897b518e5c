package org.modelkit.compute.api;

import java.util.Locale;

/** What a backend can do; published lower-case in the service property {@link ComputeBackend#CAPABILITIES}. */
public enum Capability {
    /** Runs forward passes of loaded models. */
    INFERENCE,
    /** Computes gradients and offers DJL NDArrays through {@link ComputeBackend#newManager()}. */
    AUTOGRAD,
    /** Computes on a GPU. */
    GPU;

    /** @return the value used in the service property, for example "autograd" */
    public String property() {
        return name().toLowerCase(Locale.ROOT);
    }
}
