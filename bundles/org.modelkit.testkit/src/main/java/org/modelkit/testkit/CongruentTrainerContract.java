package org.modelkit.testkit;

import java.util.List;
import org.modelkit.api.congruent.CongruentResult;
import org.modelkit.api.congruent.CongruentTrainer;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.progress.Progress;

/**
 * The contract of a {@link CongruentTrainer} (clauses in {@link MethodContract}). Input: {@link #referenceModel()} (the old model, a model
 * in the framework's model store), {@link #training()} and {@link #evaluation()}, given by the subclass; a short
 * training (the clauses run it four times). Bad input: a null reference ("reference"), null training samples
 * ("training"), a null evaluation set ("evaluation"), and training samples of another shape than the reference takes
 * ("shape"). Degenerate: the reference handed back as the new model, or a new model no more accurate on the
 * evaluation set than always answering its most common class.
 */
public abstract class CongruentTrainerContract extends MethodContract<CongruentTrainer> {
    @Override
    protected final Class<CongruentTrainer> type() {
        return CongruentTrainer.class;
    }

    /** @return the old model, in the framework's model store */
    protected abstract ModelHandle referenceModel();

    /** @return the samples to train the new model on */
    protected abstract LabelledSet training();

    /** @return held-out samples */
    protected abstract LabelledSet evaluation();

    @Override
    protected Object run(CongruentTrainer method, Progress progress) {
        return method.train(referenceModel(), training(), evaluation(), progress);
    }

    @Override
    protected List<Object> fingerprint(Object result) {
        return List.of(((CongruentResult) result).evaluation());
    }

    @Override
    protected String degenerate(Object result) {
        CongruentResult r = (CongruentResult) result;
        if (r.model().equals(referenceModel())) {
            return "the new model is the reference, " + referenceModel();
        }
        int[] labels = evaluation().labels();
        int[] counts = new int[evaluation().classNames().size()];
        for (int y : labels) {
            counts[y]++;
        }
        double majority = (double) java.util.Arrays.stream(counts).max().orElse(0) / labels.length;
        double accuracy = r.evaluation().newAccuracy();
        return accuracy > majority ? null : "the new model's accuracy " + accuracy + " is no better than always answering"
                + " the most common class (" + majority + ")";
    }

    @Override
    protected List<BadInput> badInputs(CongruentTrainer method) {
        ModelHandle ref = referenceModel();
        LabelledSet t = training();
        LabelledSet e = evaluation();
        int n = t.size();
        int d = t.features().size() / n;
        LabelledSet reshaped = new LabelledSet(Tensor.zeros(n, d + 1), t.labels(), t.classNames());
        return List.of(
                new BadInput("a null reference", "reference", () -> method.train(null, t, e, Progress.NONE)),
                new BadInput("null training samples", "training", () -> method.train(ref, null, e, Progress.NONE)),
                new BadInput("a null evaluation set", "evaluation", () -> method.train(ref, t, null, Progress.NONE)),
                new BadInput("training samples of shape [" + (d + 1) + "]", "shape",
                        () -> method.train(ref, reshaped, e, Progress.NONE)));
    }
}
