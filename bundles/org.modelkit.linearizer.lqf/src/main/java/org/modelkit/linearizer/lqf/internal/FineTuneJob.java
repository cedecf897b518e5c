package org.modelkit.linearizer.lqf.internal;

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
import org.modelkit.api.method.Capability;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.api.TensorMethod;
import org.modelkit.compute.api.linearizer.Linearizer;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The fine-tuning job service "lqf". It computes on the {@link TensorBackend} it is bound to
 * ({@link TensorMethod}: dynamic, greedy, retargeted through ConfigAdmin; a job runs to its end on the
 * backend it started on) and linearizes through the {@link Linearizer} service it is given, so another
 * bundle's linearizer can stand in (target {@code linearizer.target}).
 */
@Component(service = {FineTuner.class, Method.class}, configurationPid = FineTuneJob.PID, immediate = true,
        property = Method.NAME_PROPERTY + "=lqf")
@Designate(ocd = FineTuneConfig.class)
public class FineTuneJob extends TensorMethod implements FineTuner {
    /** The configuration PID. */
    public static final String PID = "org.modelkit.linearizer.lqf.finetune";

    private final Linearizer linearizer;
    private volatile LqfSettings settings;

    /**
     * @param context    for the bundle's version
     * @param linearizer the linearizer that builds the linearized models
     * @param config     the settings
     */
    @Activate
    public FineTuneJob(BundleContext context, @Reference(name = "linearizer") Linearizer linearizer, FineTuneConfig config) {
        this(context.getBundle().getVersion().toString(), linearizer, LqfSettings.of(config));
    }

    /** Without OSGi: a version string, a linearizer and settings; bind a backend by hand. */
    FineTuneJob(String version, Linearizer linearizer, LqfSettings settings) {
        super(new MethodDescriptor("lqf", "linearized quadratic fine-tuning with K-FAC (LQF)", "arXiv:2012.11140", version,
                Set.of(Capability.AUTOGRAD)));
        this.linearizer = linearizer;
        this.settings = settings;
    }

    /** A new configuration: checked first, so a bad one leaves the previous settings in force. */
    @Modified
    void modified(FineTuneConfig config) {
        settings = LqfSettings.of(config);
    }

    private FineTuning tuning() {
        return new FineTuning(settings, linearizer, backend()); // the job runs to its end on this backend
    }

    @Override
    public FineTuneResult fineTune(FineTuneRequest request, Progress progress) {
        if (request == null) {
            throw new IllegalArgumentException("request must not be null");
        }
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
