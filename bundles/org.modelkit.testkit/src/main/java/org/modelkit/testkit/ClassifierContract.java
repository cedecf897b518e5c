package org.modelkit.testkit;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.modelkit.api.classify.Classification;
import org.modelkit.api.classify.Classifier;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.progress.Progress;

/**
 * The contract of a {@link Classifier} (clauses in {@link MethodContract}). Input: {@link #model()} and
 * {@link #features()}, given by the subclass; the features must hold samples of at least two classes. Bad input: a
 * null model (message names "model"), null features and features of one rank too few (names "features").
 * Degenerate: one prediction per sample is missing, a score is not finite, or every sample gets the same class.
 */
public abstract class ClassifierContract extends MethodContract<Classifier> {
    @Override
    protected final Class<Classifier> type() {
        return Classifier.class;
    }

    /** @return a model the bound backend runs */
    protected abstract Path model();

    /** @return samples of at least two classes, with the shape the model takes */
    protected abstract Tensor features();

    @Override
    protected Object run(Classifier method, Progress progress) {
        return method.classify(model(), features(), progress);
    }

    @Override
    protected List<Object> fingerprint(Object result) {
        Classification c = (Classification) result;
        return List.of(c.predicted(), c.scores().shape(), c.scores().toArray(), c.backend());
    }

    @Override
    protected String degenerate(Object result) {
        Classification c = (Classification) result;
        int n = features().dim(0);
        if (c.predicted().length != n) {
            return c.predicted().length + " predictions for " + n + " samples";
        }
        for (float v : c.scores().toArray()) {
            if (!Float.isFinite(v)) {
                return "a score is not finite";
            }
        }
        return Arrays.stream(c.predicted()).distinct().count() < 2 ? "every sample is predicted as class " + c.predicted()[0] : null;
    }

    @Override
    protected List<BadInput> badInputs(Classifier method) {
        Tensor f = features();
        int[] shape = f.shape();
        Tensor flat = Tensor.zeros(shape[0]); // one number per sample: no model takes that
        return List.of(
                new BadInput("a null model", "model", () -> method.classify(null, f, Progress.NONE)),
                new BadInput("null features", "features", () -> method.classify(model(), null, Progress.NONE)),
                new BadInput("features of shape [" + shape[0] + "]", "features", () -> method.classify(model(), flat, Progress.NONE)));
    }
}
