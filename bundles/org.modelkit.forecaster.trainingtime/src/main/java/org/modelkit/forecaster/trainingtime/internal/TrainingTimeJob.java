package org.modelkit.forecaster.trainingtime.internal;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Set;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.method.Capability;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.trainingtime.TrainingForecast;
import org.modelkit.api.trainingtime.TrainingPlan;
import org.modelkit.api.trainingtime.TrainingTimePredictor;
import org.modelkit.compute.api.TensorMethod;
import org.modelkit.compute.api.linearizer.Linearizer;
import org.modelkit.nn.Training;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The training-time predictor "training-time". It computes on the
 * {@link org.modelkit.compute.api.TensorBackend} it is bound to ({@link TensorMethod}; a call runs to its
 * end on the backend it started on) and linearizes through the {@link Linearizer} service; a model named
 * by handle is read from the {@link ModelStore}, when one runs.
 */
@Component(service = {TrainingTimePredictor.class, Method.class}, configurationPid = TrainingTimeJob.PID, immediate = true,
        property = Method.NAME_PROPERTY + "=training-time")
@Designate(ocd = ForecastConfig.class)
public class TrainingTimeJob extends TensorMethod implements TrainingTimePredictor {
    /** The configuration PID. */
    public static final String PID = "org.modelkit.forecaster.trainingtime";

    private final Linearizer linearizer;
    private volatile ForecastConfig config;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelStore store;

    /**
     * @param context    for the bundle's version
     * @param linearizer the linearizer
     * @param config     the settings
     */
    @Activate
    public TrainingTimeJob(BundleContext context, @Reference(name = "linearizer") Linearizer linearizer,
            ForecastConfig config) {
        super(new MethodDescriptor("training-time", "predicts the loss curve and time of fine-tuning without training",
                "arXiv:2008.12478", context.getBundle().getVersion().toString(), Set.of(Capability.AUTOGRAD)));
        this.linearizer = linearizer;
        this.config = check(config);
    }

    /** A new configuration: checked first, so a bad one leaves the previous settings in force. */
    @Modified
    void modified(ForecastConfig c) {
        config = check(c);
    }

    private static ForecastConfig check(ForecastConfig c) {
        options(c, 0, 1);
        return c;
    }

    /**
     * @param c       the configuration
     * @param newHead outputs of a new head, 0 to keep the model's
     * @param seed    the seed of the head, the subset and the real run
     * @return the options of one prediction
     * @throws IllegalArgumentException naming the setting and its value
     */
    static Forecasting.Options options(ForecastConfig c, int newHead, long seed) {
        ModeDynamics.Momentum m = switch (c.momentum()) {
            case "exact" -> ModeDynamics.Momentum.EXACT;
            case "effective-rate" -> ModeDynamics.Momentum.EFFECTIVE_RATE;
            default -> throw new IllegalArgumentException("momentum '" + c.momentum() + "' must be exact or effective-rate");
        };
        return new Forecasting.Options(newHead, seed, c.subset(), c.projectionPerTensor(), m, c.noiseModel(), c.alpha(),
                c.maxRows());
    }

    /** @return the settings in force */
    ForecastConfig config() {
        return config;
    }

    @Override
    public TrainingForecast predict(ModelHandle model, LabelledSet training, TrainingPlan plan, Progress progress) {
        if (model == null || training == null || plan == null) {
            throw new IllegalArgumentException((model == null ? "model" : training == null ? "training" : "plan")
                    + " must be given (null)");
        }
        ModelStore s = store;
        if (s == null) {
            throw new IllegalStateException("model " + model + " is a stored model, but no model store is running");
        }
        return predict(s.open(model).directory(), training, plan, options(config, 0, 1), progress).forecast();
    }

    /**
     * @param model    a model folder
     * @param training the samples
     * @param plan     the plan
     * @param options  head, subset, projection, noise
     * @param progress progress; may cancel
     * @return the forecast and what it came from
     */
    Forecasting.Result predict(Path model, LabelledSet training, TrainingPlan plan, Forecasting.Options options,
            Progress progress) {
        try (NDManager m = backend().newManager()) {
            return Forecasting.predict(model, training, plan, options, linearizer, m, progress == null ? Progress.NONE
                    : progress);
        }
    }

    /**
     * Trains the linearized model step by step (what the prediction solves in closed form).
     *
     * @return its loss after each step
     */
    double[] simulate(Path model, LabelledSet training, TrainingPlan plan, Forecasting.Options options, Progress progress) {
        try (NDManager m = backend().newManager()) {
            return Forecasting.simulate(model, training, plan, options, linearizer, m, progress == null ? Progress.NONE
                    : progress);
        }
    }

    /**
     * Runs the plan for real from the same start.
     *
     * @return the actual loss and accuracy after each step
     */
    Training.MseReport actual(Path model, LabelledSet training, TrainingPlan plan, Forecasting.Options options,
            Progress progress) {
        try (NDManager m = backend().newManager()) {
            return Forecasting.actual(model, training, plan, options, m, progress == null ? Progress.NONE : progress);
        }
    }
}
