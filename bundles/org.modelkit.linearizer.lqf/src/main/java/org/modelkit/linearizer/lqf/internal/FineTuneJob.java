package org.modelkit.linearizer.lqf.internal;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.finetune.FineTuneRequest;
import org.modelkit.api.finetune.FineTuneResult;
import org.modelkit.api.finetune.FineTuner;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.Capability;
import org.modelkit.compute.api.BackendBinding;
import org.modelkit.compute.api.ComputeBackend;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The fine-tuning job service "lqf". The compute backend is a dynamic, greedy reference retargeted
 * through ConfigAdmin ({@code backend.target}); a job runs to its end on the backend it started on.
 * Immediate, so {@code modelkit:backends} shows its binding before the first job.
 */
@Component(service = {FineTuner.class, Method.class}, configurationPid = FineTuneJob.PID, immediate = true,
        property = Method.NAME_PROPERTY + "=lqf")
@Designate(ocd = FineTuneConfig.class)
public class FineTuneJob implements FineTuner {
    /** The configuration PID. */
    public static final String PID = "org.modelkit.linearizer.lqf.finetune";

    private final BackendBinding backend = new BackendBinding("lqf");
    private final String version;
    private volatile LqfSettings settings;

    /**
     * @param context for the bundle's version
     * @param config  the settings
     */
    @Activate
    public FineTuneJob(BundleContext context, FineTuneConfig config) {
        this(context.getBundle().getVersion().toString(), LqfSettings.of(config));
    }

    /** Without OSGi: a version string and settings; bind a backend by hand. */
    FineTuneJob(String version, LqfSettings settings) {
        this.version = version;
        this.settings = settings;
    }

    /** A new configuration: checked first, so a bad one leaves the previous settings in force. */
    @Modified
    void modified(FineTuneConfig config) {
        settings = LqfSettings.of(config);
    }

    @Reference(name = "backend", service = ComputeBackend.class, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(&(modelkit.backend.available=true)(capabilities=autograd))")
    void bindBackend(ComputeBackend b) {
        backend.bind(b);
    }

    void unbindBackend(ComputeBackend b) {
        backend.unbind(b);
    }

    @Override
    public MethodDescriptor descriptor() {
        return new MethodDescriptor("lqf", "linearized quadratic fine-tuning with K-FAC (LQF)", "arXiv:2012.11140", version,
                Set.of(org.modelkit.api.method.Capability.AUTOGRAD));
    }

    private FineTuning tuning() {
        ComputeBackend b = backend.require(Capability.AUTOGRAD); // the job runs to its end on this backend
        return new FineTuning(settings, Device.fromName(b.status().device()), b.engine(), b.id());
    }

    @Override
    public FineTuneResult fineTune(FineTuneRequest request, Progress progress) {
        try {
            return tuning().run(request, progress == null ? Progress.NONE : progress);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public int[] predict(Path model, Tensor features) {
        try {
            return tuning().predict(model, features);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
