package org.modelkit.perturber.stereo.internal;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.LongFunction;
import org.modelkit.api.data.Disparity;
import org.modelkit.api.data.StereoPair;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.method.Capability;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.perturb.AttackResult;
import org.modelkit.api.perturb.AttackSpec;
import org.modelkit.api.perturb.Perturbation;
import org.modelkit.api.perturb.PerturbationBudget;
import org.modelkit.api.perturb.Perturber;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorMethod;
import org.modelkit.io.ResultFolders;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The perturber "stereopagnosia": attacks a stereo network read from a model directory, computing on the
 * {@link org.modelkit.compute.api.TensorBackend} it is bound to (input gradients need autograd).
 */
@Component(service = {Perturber.class, Method.class}, configurationPid = StereoPerturber.PID, immediate = true,
        property = Method.NAME_PROPERTY + "=" + StereoSpec.METHOD)
@Designate(ocd = PerturbConfig.class)
public class StereoPerturber extends TensorMethod implements Perturber {
    /** The configuration PID. */
    public static final String PID = "org.modelkit.perturber.stereo";

    private volatile PerturbConfig config;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelStore store;

    /**
     * @param context for the bundle's version
     * @param config  the settings
     */
    @Activate
    public StereoPerturber(BundleContext context, PerturbConfig config) {
        this(context.getBundle().getVersion().toString(), config);
    }

    StereoPerturber(String version, PerturbConfig config) {
        super(new MethodDescriptor(StereoSpec.METHOD, "adversarial perturbations of stereo networks (FGSM, I-FGSM,"
                + " MI-FGSM, diverse inputs)", "arXiv:2009.10142", version, Set.of(Capability.AUTOGRAD)));
        this.config = check(config);
    }

    /** Binds a backend outside a framework (unit tests). */
    void bind(org.modelkit.compute.api.TensorBackend b) {
        bindBackend(b);
    }

    /** A new configuration: checked first, so a bad one leaves the previous settings in force. */
    @Modified
    void modified(PerturbConfig c) {
        config = check(c);
    }

    private static PerturbConfig check(PerturbConfig c) {
        defaults(c);
        if (c.maxDisparity() < 2 || c.maxDisparity() > 512) {
            throw new IllegalArgumentException("maxDisparity = " + c.maxDisparity() + " must lie in [2, 512]");
        }
        return c;
    }

    /**
     * @param c a configuration
     * @return its attack specification
     * @throws IllegalArgumentException naming the setting out of range
     */
    static AttackSpec defaults(PerturbConfig c) {
        Attacks.check(c.attack());
        double alpha = c.alpha() == 0 ? AttackSpec.defaultAlpha(c.epsilon()) : c.alpha();
        return new AttackSpec(c.attack(), c.epsilon(), c.steps(), alpha, c.momentum(), AttackSpec.Target.parse(c.mode()),
                c.diversity(), 1);
    }

    /** @return the configured attack */
    AttackSpec defaults() {
        return defaults(config);
    }

    /**
     * @param epsilon a bound
     * @return the configured step size, or the paper's for that bound where the configuration leaves it at 0
     */
    double alpha(double epsilon) {
        double a = config.alpha();
        return a == 0 ? AttackSpec.defaultAlpha(epsilon) : a;
    }

    /** @return the configured disparity range of new networks */
    int maxDisparity() {
        return config.maxDisparity();
    }

    @Override
    public Disparity disparity(StereoPair pair, Path model) {
        StereoModel net = read(model);
        StereoBatch b = batch(pair, null, net, model);
        try (NDManager m = backend().newManager()) {
            return Disparity.fromRaw(b.width(), b.height(), Passes.predict(net, b, m));
        }
    }

    @Override
    public AttackResult perturb(StereoPair pair, Disparity groundTruth, Path model, AttackSpec spec, Progress progress) {
        if (spec == null) {
            throw new IllegalArgumentException("the attack spec is missing");
        }
        Attacks.check(spec.attack());
        StereoModel net = read(model);
        return attack(net, batch(pair, groundTruth, net, model), spec, progress == null ? Progress.NONE : progress);
    }

    /**
     * One attack on one checked pair.
     *
     * @return the result, the pair's own ground truth (or the clean output) being the target
     */
    AttackResult attack(StereoModel net, StereoBatch b, AttackSpec spec, Progress progress) {
        try (NDManager m = backend().newManager()) {
            float[] clean = Passes.predict(net, b, m);
            float[] target = b.disparity() == null ? clean : b.disparity();
            Attacks.Outcome o = Attacks.run(net, b, target, spec, m, progress);
            float[] attacked = Passes.predict(net, o.perturbed(), m);
            int[] shape = {b.height(), b.width(), b.channels()};
            return new AttackResult(o.perturbed().pair(0), Tensor.of(interleaved(o.deltaLeft(), b), shape),
                    Tensor.of(interleaved(o.deltaRight(), b), shape), Disparity.fromRaw(b.width(), b.height(), clean),
                    Disparity.fromRaw(b.width(), b.height(), attacked));
        }
    }

    private static float[] interleaved(float[] planar, StereoBatch b) {
        int hw = b.mapSize();
        int c = b.channels();
        float[] out = new float[planar.length];
        for (int p = 0; p < hw; p++) {
            for (int k = 0; k < c; k++) {
                out[p * c + k] = planar[k * hw + p];
            }
        }
        return out;
    }

    @Override
    public Perturbation perturb(StereoPair pair, ModelHandle model, PerturbationBudget budget, Progress progress) {
        ModelStore s = store;
        if (s == null) {
            throw new IllegalStateException("model " + model + " is a stored model, but no model store is running");
        }
        Path dir = s.open(model).directory();
        AttackSpec d = defaults();
        AttackSpec spec = new AttackSpec(budget.attack(), budget.epsilon(), budget.steps(),
                alpha(budget.epsilon()), d.momentum(), d.target(),
                d.diversity(), d.seed());
        return perturb(pair, null, dir, spec, progress).toPerturbation();
    }

    /**
     * @return the model in a directory
     * @throws IllegalArgumentException naming the directory and the problem
     */
    static StereoModel read(Path model) {
        if (model == null) {
            throw new IllegalArgumentException("the model is missing (a stereo model folder)");
        }
        try {
            return StereoModel.load(model);
        } catch (IOException e) {
            throw new UncheckedIOException("model '" + model + "' cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * @return the pair and ground truth in the network's layout
     * @throws IllegalArgumentException if the pair's channels differ from the network's, or the ground truth is
     *                                  of another size or has no valid pixel
     */
    static StereoBatch batch(StereoPair pair, Disparity gt, StereoModel net, Path model) {
        if (pair == null) {
            throw new IllegalArgumentException("the stereo pair is missing");
        }
        int c = pair.left().channels();
        if (c != net.spec().inputChannels()) {
            throw new IllegalArgumentException("model '" + model + "' takes " + (net.spec().inputChannels() == 1 ? "grey"
                    : "RGB") + " images, the pair has " + c + " channel" + (c == 1 ? "" : "s"));
        }
        if (gt != null) {
            if (gt.width() != pair.width() || gt.height() != pair.height()) {
                throw new IllegalArgumentException("the ground truth is " + gt.width() + "x" + gt.height() + ", the pair "
                        + pair.width() + "x" + pair.height());
            }
            float[] t = StereoBatch.truth(gt);
            boolean any = false;
            for (float v : t) {
                any |= !Float.isNaN(v);
            }
            if (!any) {
                throw new IllegalArgumentException("the ground truth has no valid pixel (none finite and > 0)");
            }
        }
        return StereoBatch.of(pair, gt);
    }

    /**
     * Trains a network and writes its directory as a whole.
     *
     * @param spec     the architecture
     * @param data     each step's batch
     * @param o        the training options
     * @param seed     the initialisation's seed
     * @param output   the model directory to create
     * @param progress receives steps, may cancel
     * @return the trained model, its losses and the gradient checks' counts
     * @throws IllegalArgumentException if the output exists
     */
    Trained train(StereoSpec spec, LongFunction<StereoBatch> data, StereoTraining.Options o, long seed, Path output,
            Progress progress) {
        ResultFolders.checkTarget(output, "output '" + output + "'");
        StereoModel model = StereoModel.initial(spec, seed);
        StereoTraining.Result result;
        try (NDManager m = backend().newManager()) {
            result = StereoTraining.train(model, data, o, m, progress == null ? Progress.NONE : progress);
        }
        try {
            ResultFolders.write(output, model::save);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Trained(model, result);
    }

    /**
     * @param model    the trained network
     * @param training the loss of each step and what the gradient checks did
     */
    record Trained(StereoModel model, StereoTraining.Result training) {
        double[] losses() {
            return training.losses();
        }
    }

    /** @return disparities of a batch */
    float[] predict(StereoModel net, StereoBatch b) {
        try (NDManager m = backend().newManager()) {
            return Passes.predict(net, b, m);
        }
    }
}
