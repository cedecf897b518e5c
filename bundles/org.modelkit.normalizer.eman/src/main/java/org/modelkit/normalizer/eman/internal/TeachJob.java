package org.modelkit.normalizer.eman.internal;

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
import org.modelkit.api.method.Capability;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.api.TensorMethod;
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
 * through the {@link Normalizer} named in the request. It computes on the {@link TensorBackend} it is
 * bound to ({@link TensorMethod}: dynamic, greedy, retargeted through ConfigAdmin); a job runs to its
 * end on the backend it started on. Normalizers are found by name among the installed ones, so a
 * third-party bundle can add its own.
 */
@Component(service = {StudentTeacherTrainer.class, Method.class}, configurationPid = TeachJob.PID, immediate = true,
        property = Method.NAME_PROPERTY + "=eman")
@Designate(ocd = TeachConfig.class)
public class TeachJob extends TensorMethod implements StudentTeacherTrainer {
    /** The configuration PID. */
    public static final String PID = "org.modelkit.normalizer.eman.teach";

    private final Map<String, Normalizer> normalizers = new ConcurrentHashMap<>();
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
        super(new MethodDescriptor("eman", "student-teacher learning (FixMatch, MoCo v2) with an EMAN or BN teacher",
                "arXiv:2101.08482", version, Set.of(Capability.AUTOGRAD)));
        this.settings = settings;
    }

    /** A new configuration: checked first, so a bad one leaves the previous settings in force. */
    @Modified
    void modified(TeachConfig config) {
        settings = Settings.of(config);
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
    public TeachResult teach(TeachRequest request, Progress progress) {
        if (request == null) {
            throw new IllegalArgumentException("request must not be null");
        }
        Normalizer n = normalizers.get(request.normalizer());
        if (n == null) {
            throw new IllegalArgumentException("no normalizer '" + request.normalizer() + "' is installed; installed: "
                    + (normalizers.isEmpty() ? "none" : String.join(", ", normalizerNames())));
        }
        TensorBackend b = backend(); // the job runs to its end on this backend
        try {
            return new Teaching(request, n, settings, b).run(progress == null ? Progress.NONE : progress);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the results to " + request.output() + ": " + e.getMessage(), e);
        }
    }
}
