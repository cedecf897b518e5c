package org.modelkit.forgetter.mixedprivacy.internal;

import java.util.Set;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.forget.ForgetRequest;
import org.modelkit.api.forget.ForgetResult;
import org.modelkit.api.forget.Forgetter;
import org.modelkit.api.method.Capability;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorMethod;
import org.modelkit.compute.api.linearizer.Linearizer;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The forgetter service "mixed-privacy". It computes on the {@link org.modelkit.compute.api.TensorBackend}
 * it is bound to ({@link TensorMethod}; a request runs to its end on the backend it started on),
 * linearizes through the {@link Linearizer} service and keeps models in the {@link ModelStore}.
 */
@Component(service = {Forgetter.class, Method.class}, configurationPid = ForgetJob.PID, immediate = true,
        property = Method.NAME_PROPERTY + "=mixed-privacy")
@Designate(ocd = ForgetConfig.class)
public class ForgetJob extends TensorMethod implements Forgetter {
    /** The configuration PID. */
    public static final String PID = "org.modelkit.forgetter.mixedprivacy";

    private final Linearizer linearizer;
    private final ModelStore store;
    private volatile MixedSettings settings;

    /**
     * @param context    for the bundle's version
     * @param linearizer the linearizer
     * @param store      the model store
     * @param config     the settings
     */
    @Activate
    public ForgetJob(BundleContext context, @Reference(name = "linearizer") Linearizer linearizer,
            @Reference(name = "store") ModelStore store, ForgetConfig config) {
        super(new MethodDescriptor("mixed-privacy", "mixed-privacy forgetting with a bound on the remaining information",
                "arXiv:2012.13431", context.getBundle().getVersion().toString(), Set.of(Capability.AUTOGRAD)));
        this.linearizer = linearizer;
        this.store = store;
        this.settings = MixedSettings.of(config);
    }

    /** A new configuration: checked first, so a bad one leaves the previous settings in force. */
    @Modified
    void modified(ForgetConfig config) {
        settings = MixedSettings.of(config);
    }

    /** @return the audit log of the current settings */
    AuditLog audit() {
        return new AuditLog(Forgetting.auditDir(settings, store));
    }

    private Forgetting forgetting() {
        MixedSettings s = settings;
        return new Forgetting(s, linearizer, store, backend(), new AuditLog(Forgetting.auditDir(s, store)),
                descriptor().name() + " " + descriptor().version());
    }

    @Override
    public ForgetResult forget(ModelHandle model, LabelledSet training, int[] forget, Progress progress) {
        return forget(ForgetRequest.of(model, training, forget), progress);
    }

    @Override
    public ForgetResult train(ModelHandle core, LabelledSet user, String id, Progress progress) {
        return forgetting().train(core, user, id, progress == null ? Progress.NONE : progress);
    }

    @Override
    public ForgetResult forget(ForgetRequest request, Progress progress) {
        return forgetting().forget(request, progress == null ? Progress.NONE : progress);
    }

    /**
     * @param core     a stored core model
     * @param features samples
     * @return the core network's predictions (the mixed model with user weights 0)
     */
    int[] predictCore(ModelHandle core, Tensor features) {
        return forgetting().predictCore(core, features);
    }

    @Override
    public int[] predict(ModelHandle model, Tensor features) {
        return forgetting().predict(model, features);
    }
}
