package org.modelkit.compute.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The backend a method component is bound to through its dynamic, greedy reference named "backend".
 * Declarative Services binds the new service before it unbinds the old one, so {@link #unbind} only
 * clears the binding if it still holds that backend. A call takes the current backend once with
 * {@link #require} and finishes on it, even if the component is rebound meanwhile. The component's own
 * bind and unbind methods delegate here.
 */
public final class BackendBinding {
    private final AtomicReference<ComputeBackend> current = new AtomicReference<>();
    private final String method;

    /** @param method the method's name, for messages */
    public BackendBinding(String method) {
        this.method = method;
    }

    /** @param backend the newly bound backend */
    public void bind(ComputeBackend backend) {
        current.set(backend);
    }

    /** @param backend the backend being unbound; cleared only if it is still the current one */
    public void unbind(ComputeBackend backend) {
        current.compareAndSet(backend, null);
    }

    /** @return the current backend, or null */
    public ComputeBackend current() {
        return current.get();
    }

    /**
     * @param needs what the call needs from the backend
     * @return the current backend, which the call should use to its end
     * @throws IllegalStateException naming the method and what is missing, if no backend is bound or it
     *                               lacks a capability
     */
    public ComputeBackend require(Capability... needs) {
        ComputeBackend b = current.get();
        String wanted = Arrays.stream(needs).map(Capability::property).collect(Collectors.joining(", "));
        if (b == null) {
            throw new IllegalStateException("no compute backend is bound to method '" + method + "'"
                    + (needs.length == 0 ? "" : " (it needs " + wanted + ")") + "; see modelkit:backends");
        }
        for (Capability c : needs) {
            if (!b.capabilities().contains(c)) {
                throw new IllegalStateException("backend '" + b.id() + "' has no " + c.name().toLowerCase(Locale.ROOT)
                        + ", which method '" + method + "' needs; choose one with modelkit:backend use ID " + method);
            }
        }
        return b;
    }
}
