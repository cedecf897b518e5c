package org.modelkit.compute.api;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.modelkit.api.method.Capability;
import org.modelkit.api.method.MethodDescriptor;

/**
 * The backend a method component is bound to through its dynamic, greedy reference named "backend".
 * Declarative Services binds the new service before it unbinds the old one, so {@link #unbind} only
 * clears the binding if it still holds that backend. A call takes the current backend once with
 * {@link #require} and finishes on it, even if the component is rebound meanwhile. The component's own
 * bind and unbind methods delegate here.
 */
public final class BackendBinding<B extends ComputeBackend> {
    private final AtomicReference<B> current = new AtomicReference<>();
    private final String method;
    private final Set<Capability> needs;

    /**
     * @param method what the method needs, from its descriptor: the one place they are declared; the
     *               reference's service type ({@link TensorBackend} for {@link Capability#AUTOGRAD}) and
     *               {@link #require()} follow from it
     */
    public BackendBinding(MethodDescriptor method) {
        this.method = method.name();
        this.needs = method.needs();
    }

    /** @param backend the newly bound backend */
    public void bind(B backend) {
        current.set(backend);
    }

    /** @param backend the backend being unbound; cleared only if it is still the current one */
    public void unbind(B backend) {
        current.compareAndSet(backend, null);
    }

    /** @return the current backend, or null */
    public B current() {
        return current.get();
    }

    /**
     * @return the current backend, which the call should use to its end
     * @throws IllegalStateException naming the method and what is missing, if no backend is bound or it
     *                               lacks a capability the method's descriptor names
     */
    public B require() {
        B b = current.get();
        String wanted = needs.stream().map(Capability::property).sorted().collect(Collectors.joining(", "));
        if (b == null) {
            throw new IllegalStateException("no compute backend is bound to method '" + method + "'"
                    + (needs.isEmpty() ? "" : " (it needs " + wanted + ")") + "; see modelkit:backends");
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
