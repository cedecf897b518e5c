package org.modelkit.normalizer.eman.internal;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.teach.StudentTeacherTrainer;
import org.modelkit.api.teach.TeachRequest;
import org.modelkit.api.teach.TeachResult;
import org.modelkit.compute.api.Capability;
import org.modelkit.compute.api.BackendBinding;
import org.modelkit.compute.api.ComputeBackend;
import org.modelkit.compute.api.normalizer.Normalizer;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The student-teacher job service "eman": FixMatch or MoCo v2, the teacher following the student
 * through the {@link Normalizer} named in the request. The compute backend is a dynamic, greedy
 * reference retargeted through ConfigAdmin ({@code backend.target}, as {@code modelkit:backend use}
 * sets it); a job runs to its end on the backend it started on. Normalizers are found by name among
 * the installed ones, so a third-party bundle can add its own. Immediate, so it binds its backend as
 * soon as one is there and {@code modelkit:backends} shows the binding before the first job.
 */
@Component(service = {StudentTeacherTrainer.class, Method.class}, configurationPid = TeachJob.PID, immediate = true,
        property = Method.NAME_PROPERTY + "=eman")
@Designate(ocd = TeachConfig.class)
public class TeachJob implements StudentTeacherTrainer {
    /** The configuration PID. */
    public static final String PID = "org.modelkit.normalizer.eman.teach";

    private final BackendBinding backend = new BackendBinding("eman");
    private final Map<String, Normalizer> normalizers = new ConcurrentHashMap<>();
    private final String version;
    private volatile Settings settings;

    /**
     * @param context for the bundle's version
     * @param config  the settings
     */
    @Activate
    public TeachJob(BundleContext context, TeachConfig config) {
        this(context.getBundle().getVersion().toString(), Settings.of(config));
    }

    /** Without OSGi: a version string and settings; bind a backend and normalizers by hand. */
    TeachJob(String version, Settings settings) {
        this.version = version;
        this.settings = settings;
    }

    /** A new configuration: checked first, so a bad one leaves the previous settings in force. */
    @Modified
    void modified(TeachConfig config) {
        settings = Settings.of(config);
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

    @Reference(service = Normalizer.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNormalizer(Normalizer n) {
        normalizers.put(n.name(), n);
    }

    void unbindNormalizer(Normalizer n) {
        normalizers.remove(n.name(), n);
    }

    /** @return the names of the installed normalizers */
    Set<String> normalizerNames() {
        return new TreeSet<>(normalizers.keySet());
    }


    @Override
    public MethodDescriptor descriptor() {
        return new MethodDescriptor("eman", "student-teacher learning (FixMatch, MoCo v2) with an EMAN or BN teacher",
                "arXiv:2101.08482", version, Set.of(org.modelkit.api.method.Capability.AUTOGRAD));
    }

    @Override
    public TeachResult teach(TeachRequest request, Progress progress) {
        Normalizer n = normalizers.get(request.normalizer());
        if (n == null) {
            throw new IllegalArgumentException("no normalizer '" + request.normalizer() + "' is installed; installed: "
                    + (normalizers.isEmpty() ? "none" : String.join(", ", normalizerNames())));
        }
        ComputeBackend b = backend.require(Capability.AUTOGRAD); // the job runs to its end on this backend
        Device device = Device.fromName(b.status().device());
        try {
            return new Teaching(request, n, settings, device, b.engine(), b.id()).run(progress == null ? Progress.NONE
                    : progress);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the results to " + request.output() + ": " + e.getMessage(), e);
        }
    }
}
