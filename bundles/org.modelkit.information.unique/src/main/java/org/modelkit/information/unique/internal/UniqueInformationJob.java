package org.modelkit.information.unique.internal;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Set;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.information.InformationEstimator;
import org.modelkit.api.information.InformationSettings;
import org.modelkit.api.information.SampleInformation;
import org.modelkit.api.method.Capability;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorMethod;
import org.modelkit.compute.api.linearizer.Linearizer;
import org.modelkit.nn.ModelFiles;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The information estimator "unique-information". It computes on the
 * {@link org.modelkit.compute.api.TensorBackend} it is bound to ({@link TensorMethod}; a call runs to its
 * end on the backend it started on) and linearizes through the {@link Linearizer} service; a model named
 * by handle is read from the {@link ModelStore}, when one runs.
 */
@Component(service = {InformationEstimator.class, Method.class}, configurationPid = UniqueInformationJob.PID,
        immediate = true, property = Method.NAME_PROPERTY + "=unique-information")
@Designate(ocd = InformationConfig.class)
public class UniqueInformationJob extends TensorMethod implements InformationEstimator {
    /** The configuration PID. */
    public static final String PID = "org.modelkit.information.unique";

    private final Linearizer linearizer;
    private volatile InformationConfig config;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelStore store;

    /**
     * @param context    for the bundle's version
     * @param linearizer the linearizer
     * @param config     the settings
     */
    @Activate
    public UniqueInformationJob(BundleContext context, @Reference(name = "linearizer") Linearizer linearizer,
            InformationConfig config) {
        super(new MethodDescriptor("unique-information", "estimates how much each training sample tells the weights and"
                + " the predictions (smooth unique information)", "arXiv:2101.06640",
                context.getBundle().getVersion().toString(), Set.of(Capability.AUTOGRAD)));
        this.linearizer = linearizer;
        this.config = check(config);
    }

    /** A new configuration: checked first, so a bad one leaves the previous settings in force. */
    @Modified
    void modified(InformationConfig c) {
        config = check(c);
    }

    private static InformationConfig check(InformationConfig c) {
        settings(c);
        if (c.maxRows() < 2) {
            throw new IllegalArgumentException("maxRows = " + c.maxRows() + " must be at least 2");
        }
        return c;
    }

    /**
     * @return the configuration's settings
     * @throws IllegalArgumentException naming the setting and its value
     */
    static InformationSettings settings(InformationConfig c) {
        return new InformationSettings(c.lr(), c.steps(), c.weightDecay(), c.sigma(), c.weightSigma(),
                c.projectionPerTensor(), c.seed());
    }

    /** @return the settings in force */
    InformationConfig config() {
        return config;
    }

    @Override
    public SampleInformation estimate(ModelHandle model, LabelledSet training, Progress progress) {
        if (training == null) {
            throw new IllegalArgumentException("training must be given (null)");
        }
        return estimate(model, training, training.features(), settings(config), progress);
    }

    @Override
    public SampleInformation estimate(ModelHandle model, LabelledSet training, Tensor validation, InformationSettings settings,
            Progress progress) {
        if (model == null || training == null || validation == null || settings == null) {
            throw new IllegalArgumentException((model == null ? "model" : training == null ? "training" : validation == null
                    ? "validation" : "settings") + " must be given (null)");
        }
        ModelStore s = store;
        if (s == null) {
            throw new IllegalStateException("model " + model + " is a stored model, but no model store is running");
        }
        return estimate(s.open(model).directory(), training, validation, settings, progress).information();
    }

    /**
     * @param model      a model folder holding w0
     * @param training   the samples
     * @param validation the inputs F-SI is measured on
     * @param settings   the training to predict
     * @param progress   progress; may cancel
     * @return the estimates and what they came from
     */
    Informativeness.Result estimate(Path model, LabelledSet training, Tensor validation, InformationSettings settings,
            Progress progress) {
        try (NDManager m = backend().newManager()) {
            return Informativeness.estimate(model, training, validation, settings, config.maxRows(), linearizer, m,
                    progress == null ? Progress.NONE : progress);
        }
    }

    /**
     * Retrains the real network without each sample (the ground truth).
     *
     * @return the retrained effects
     */
    Retraining.Truth retrain(Path model, LabelledSet training, Tensor validation, InformationSettings settings,
            Progress progress) {
        try (NDManager m = backend().newManager()) {
            ModelFiles.Loaded start = Informativeness.load(model, m);
            Informativeness.check(start, training, validation, Integer.MAX_VALUE);
            return Retraining.leaveOneOut(start, training, validation, settings, m, progress == null ? Progress.NONE
                    : progress);
        }
    }
}
