package org.modelkit.itest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.compute.api.ComputeBackend;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.api.LoadedModel;
import org.modelkit.compute.api.ModelFormat;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * A method component the way method bundles bind backends: a dynamic, greedy reference named
 * "backend" whose target comes from configuration, an @Modified method so retargeting rebinds without
 * re-activation, and unbind by compare-and-clear (DS binds the new service before unbinding the old).
 * It computes relu(x)·x on NDArrays (PyTorch) or with the committed ONNX model (ONNX Runtime).
 */
@Component(service = {SwapProbe.class, Method.class}, configurationPid = SwapProbe.PID,
        property = Method.NAME_PROPERTY + "=test-swap")
public class SwapProbe implements Method {
    static final String PID = "org.modelkit.itest.swap";
    final AtomicInteger activations = new AtomicInteger();
    private final AtomicReference<ComputeBackend> backend = new AtomicReference<>();
    private final Map<String, LoadedModel> models = new ConcurrentHashMap<>();
    private final Path model;

    /** One result, tagged with the backend that computed it. */
    record Result(String backend, float[] y) {
    }

    @Activate
    public SwapProbe(BundleContext context) {
        this.model = Path.of(context.getProperty("modelkit.testdata"), "onnx/relu-times-x.onnx");
        activations.incrementAndGet();
    }

    @Modified
    void modified(Map<String, Object> properties) {
        // the new backend.target is applied by DS through the dynamic reference
    }

    @Reference(name = "backend", service = ComputeBackend.class, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(modelkit.backend.available=true)")
    void bindBackend(ComputeBackend b) {
        backend.set(b);
    }

    void unbindBackend(ComputeBackend b) {
        // only compare-and-clear: calls that started on b still use its model; the backend's provider
        // closes its models if the backend itself goes away, and deactivate closes the rest
        backend.compareAndSet(b, null);
    }

    @Deactivate
    void deactivate() {
        models.values().forEach(LoadedModel::close);
        models.clear();
    }

    String currentBackend() {
        ComputeBackend b = backend.get();
        return b == null ? null : b.id();
    }

    Result reluTimesX(float[] x) {
        ComputeBackend b = backend.get(); // the call finishes on the backend it started on
        if (b == null) {
            throw new IllegalStateException("no backend bound");
        }
        if (b instanceof TensorBackend t) {
            try (NDManager m = t.newManager()) {
                NDArray a = m.create(x);
                return new Result(b.id(), ai.djl.nn.Activation.relu(a).mul(a).toFloatArray());
            }
        }
        LoadedModel lm = models.computeIfAbsent(b.id(), id -> {
            try {
                return b.load(model, ModelFormat.ONNX);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return new Result(b.id(), lm.run(List.of(Tensor.of(x, x.length))).get(0).toArray());
    }

    @Override
    public MethodDescriptor descriptor() {
        return new MethodDescriptor("test-swap", "relu(x)*x on whichever backend is bound (integration test)",
                "baseline", "1.0.0", Set.of(org.modelkit.api.method.Capability.INFERENCE));
    }
}
