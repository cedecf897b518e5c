package org.modelkit.distiller.focal.internal;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.modelkit.api.congruent.CongruentReport;
import org.modelkit.api.congruent.CongruentRequest;
import org.modelkit.api.congruent.CongruentResult;
import org.modelkit.api.congruent.CongruentTrainer;
import org.modelkit.api.congruent.FlipMetrics;
import org.modelkit.api.congruent.Loss;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.method.Capability;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.model.StoredModel;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorMethod;
import org.modelkit.io.ResultFolders;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
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
 * The congruent trainer "focal-distillation". It computes on the
 * {@link org.modelkit.compute.api.TensorBackend} it is bound to ({@link TensorMethod}); a reference named by
 * handle is read from the {@link ModelStore}, where the result is published.
 */
@Component(service = {CongruentTrainer.class, Method.class}, configurationPid = FocalDistiller.PID, immediate = true,
        property = Method.NAME_PROPERTY + "=focal-distillation")
@Designate(ocd = DistillConfig.class)
public class FocalDistiller extends TensorMethod implements CongruentTrainer {
    /** The configuration PID. */
    public static final String PID = "org.modelkit.distiller.focal";

    private volatile DistillConfig config;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelStore store;

    /**
     * @param context for the bundle's version
     * @param config  the settings
     */
    @Activate
    public FocalDistiller(BundleContext context, DistillConfig config) {
        super(new MethodDescriptor("focal-distillation", "trains a new model that keeps the reference's correct predictions"
                + " (positive-congruent training)", "arXiv:2011.09161", context.getBundle().getVersion().toString(),
                Set.of(Capability.AUTOGRAD)));
        this.config = check(config);
    }

    /** A new configuration: checked first, so a bad one leaves the previous settings in force. */
    @Modified
    void modified(DistillConfig c) {
        config = check(c);
    }

    private static DistillConfig check(DistillConfig c) {
        settings(c, loss(c), c.alpha(), c.beta(), c.temperature(), c.epochs(), 1);
        probabilities(c);
        return c;
    }

    /** @return the configured loss: fd-kl or fd-lm by the distance */
    static Loss loss(DistillConfig c) {
        return switch (c.distance()) {
            case "kl" -> Loss.FD_KL;
            case "lm" -> Loss.FD_LM;
            default -> throw new IllegalArgumentException("distance '" + c.distance() + "' must be kl or lm");
        };
    }

    static boolean probabilities(DistillConfig c) {
        return switch (c.ensembleAveraging()) {
            case "logits" -> false;
            case "probabilities" -> true;
            default -> throw new IllegalArgumentException("ensembleAveraging '" + c.ensembleAveraging()
                    + "' must be logits or probabilities");
        };
    }

    /**
     * @return the training options of one run
     * @throws IllegalArgumentException naming the setting and its value
     */
    static CongruentTraining.Options settings(DistillConfig c, Loss loss, double alpha, double beta, double t, int epochs,
            long seed) {
        Training.Method m = switch (c.optimiser()) {
            case "adam" -> Training.Method.ADAM;
            case "sgd" -> Training.Method.SGD;
            default -> throw new IllegalArgumentException("optimiser '" + c.optimiser() + "' must be adam or sgd");
        };
        return new CongruentTraining.Options(new FocalLoss.Settings(loss, alpha, beta, t), epochs, c.batch(), m, c.lr(),
                c.momentum(), seed);
    }

    /** @return the settings in force */
    DistillConfig config() {
        return config;
    }

    @Override
    public CongruentReport train(CongruentRequest r, Progress progress) {
        DistillConfig c = config;
        CongruentTraining.Options o = settings(c, r.loss(), r.alpha(), r.beta(), r.temperature(), r.epochs(), r.seed());
        return run(r.references(), r.network(), r.train(), r.test(), o, probabilities(c), r.output(),
                progress == null ? Progress.NONE : progress);
    }

    /**
     * One run on folders; the model is written to {@code output} as a whole.
     *
     * @throws IllegalArgumentException naming the input and the problem; nothing is written
     */
    CongruentReport run(List<Path> references, String network, LabelledSet train, LabelledSet test,
            CongruentTraining.Options o, boolean probabilities, Path output, Progress progress) {
        ResultFolders.checkTarget(output, "output '" + output + "'");
        Trained t = fit(references, network, train, test, o, probabilities, progress);
        try {
            ResultFolders.write(output, staged -> {
                ModelFiles.save(staged, t.spec(), t.result().model().getBlock());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            t.result().model().close();
        }
        CongruentTraining.Result res = t.result();
        return new CongruentReport(output, res.metrics(), res.loss()[res.loss().length - 1], res.errors(), res.flips(),
                res.seconds());
    }

    /**
     * @param spec   the new network's architecture
     * @param result the trained model (close it) and its figures
     */
    record Trained(ModelSpec spec, CongruentTraining.Result result) {
    }

    /**
     * Trains without writing: the references' logits once, then the new network.
     *
     * @throws IllegalArgumentException naming the input and the problem
     */
    Trained fit(List<Path> references, String network, LabelledSet train, LabelledSet test, CongruentTraining.Options o,
            boolean probabilities, Progress progress) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("the training set is empty");
        }
        if (test != null && test.size() == 0) {
            throw new IllegalArgumentException("the test set is empty");
        }
        int[] sample = Arrays.copyOfRange(train.features().shape(), 1, train.features().rank());
        if (test != null && !Arrays.equals(sample, Arrays.copyOfRange(test.features().shape(), 1, test.features().rank()))) {
            throw new IllegalArgumentException("test samples of shape " + Arrays.toString(Arrays.copyOfRange(
                    test.features().shape(), 1, test.features().rank())) + " differ from the training samples' "
                    + Arrays.toString(sample));
        }
        try (NDManager m = backend().newManager()) {
            References.Logits ref = References.of(references, train.features(), probabilities, m);
            int[] refTest = test == null ? null : References.of(references, test.features(), probabilities, m).predictions();
            int classes = Math.max(train.classCount(), test == null ? 0 : test.classCount());
            ModelSpec spec = NetSpec.parse(network, classes, sample, ref.spec());
            if (!spec.accepts(sample)) {
                throw new IllegalArgumentException("the new network " + spec + " does not take samples of shape "
                        + Arrays.toString(sample));
            }
            Model model = backend().newModel("congruent");
            boolean ok = false;
            try {
                model.setBlock(spec.build());
                CongruentTraining.Result r = CongruentTraining.train(model, spec, train, ref, test, refTest, o, progress);
                ok = true;
                return new Trained(spec, r);
            } finally {
                if (!ok) {
                    model.close();
                }
            }
        }
    }

    /**
     * @param reference the old predictions
     * @param updated   the new predictions
     * @param metrics   the flip metrics
     */
    record Comparison(int[] reference, int[] updated, FlipMetrics metrics) {
    }

    /**
     * Old against new on a labelled set; several folders on a side make an ensemble.
     *
     * @throws IllegalArgumentException naming the model and the problem
     */
    Comparison compare(List<Path> old, List<Path> updated, LabelledSet test) {
        if (test.size() == 0) {
            throw new IllegalArgumentException("the test set is empty");
        }
        boolean p = probabilities(config);
        try (NDManager m = backend().newManager()) {
            References.Logits a = References.of(old, test.features(), p, m);
            References.Logits b = References.of(updated, test.features(), p, m);
            int top = Arrays.stream(test.labels()).max().orElse(0);
            for (References.Logits l : List.of(a, b)) {
                if (top >= l.classes()) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "label %d of the test data is not one of the"
                            + " %d classes of %s", top, l.classes(), l == a ? old : updated));
                }
            }
            int[] pa = a.predictions();
            int[] pb = b.predictions();
            return new Comparison(pa, pb, FlipMetrics.of(test.labels(), pa, pb));
        }
    }

    @Override
    public CongruentResult train(ModelHandle reference, LabelledSet training, LabelledSet evaluation, Progress progress) {
        if (reference == null || training == null) {
            throw new IllegalArgumentException((reference == null ? "reference" : "training") + " must be given (null)");
        }
        ModelStore s = store;
        if (s == null) {
            throw new IllegalStateException("model " + reference + " is a stored model, but no model store is running");
        }
        if (evaluation == null) {
            throw new IllegalArgumentException("an evaluation set is needed for the flip metrics");
        }
        StoredModel ref = s.open(reference);
        DistillConfig c = config;
        CongruentTraining.Options o = settings(c, loss(c), c.alpha(), c.beta(), c.temperature(), c.epochs(), 1);
        Trained t = fit(List.of(ref.directory()), null, training, evaluation, o, probabilities(c),
                progress == null ? Progress.NONE : progress);
        try {
            Map<String, String> props = new LinkedHashMap<>();
            FlipMetrics f = t.result().metrics();
            props.put("loss", o.loss().loss().label());
            props.put("nfr", Double.toString(f.negativeFlipRate()));
            props.put("error", Double.toString(f.newErrorRate()));
            StoredModel v = s.publish(reference.id() + "-congruent", reference, descriptor().name() + " "
                    + descriptor().version(), props, dir -> ModelFiles.save(dir, t.spec(), t.result().model().getBlock()));
            return new CongruentResult(v.handle(), f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            t.result().model().close();
        }
    }
}
