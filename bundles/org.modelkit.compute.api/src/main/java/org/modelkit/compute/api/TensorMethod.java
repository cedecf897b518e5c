package org.modelkit.compute.api;

import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The base of a method component that computes on DJL NDArrays: it holds the method's descriptor and
 * its dynamic, greedy reference "backend" to a {@link TensorBackend}, which ConfigAdmin retargets
 * ({@code backend.target}, as {@code modelkit:backend use} sets it). A call takes the backend once with
 * {@link #backend()} and finishes on it, even if the component is rebound meanwhile; what it needs is
 * checked against the descriptor's {@code needs}, declared there only.
 *
 * <p>A subclass is an immediate DS component (so {@code modelkit:backends} shows the binding before the
 * first job) built with {@code -dsannotations-options: inherit}, which makes bnd read the reference
 * from here:
 *
 * <pre>
 * &#64;Component(service = {MyTrainer.class, Method.class}, immediate = true, property = Method.NAME_PROPERTY + "=mine")
 * public class MyJob extends TensorMethod implements MyTrainer {
 *     &#64;Activate
 *     public MyJob(BundleContext context) {
 *         super(new MethodDescriptor("mine", "...", "arXiv:...", context.getBundle().getVersion().toString(),
 *                 Set.of(Capability.AUTOGRAD)));
 *     }
 *     ... TensorBackend b = backend(); try (NDManager m = b.newManager()) { ... }
 * }
 * </pre>
 */
public abstract class TensorMethod implements Method {
    private final MethodDescriptor descriptor;
    private final BackendBinding<TensorBackend> binding;

    /** @param descriptor the method's description, with what it needs from a backend */
    protected TensorMethod(MethodDescriptor descriptor) {
        this.descriptor = descriptor;
        this.binding = new BackendBinding<>(descriptor);
    }

    /** @param backend the newly bound backend (DS; bound before the old one is unbound) */
    @Reference(name = "backend", service = TensorBackend.class, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(modelkit.backend.available=true)")
    protected void bindBackend(TensorBackend backend) {
        binding.bind(backend);
    }

    /** @param backend the backend being unbound */
    protected void unbindBackend(TensorBackend backend) {
        binding.unbind(backend);
    }

    @Override
    public final MethodDescriptor descriptor() {
        return descriptor;
    }

    /**
     * @return the bound backend, for one call to use to its end
     * @throws IllegalStateException naming the method and what is missing, if none is bound or it lacks
     *                               what the descriptor needs
     */
    protected final TensorBackend backend() {
        return binding.require();
    }
}
