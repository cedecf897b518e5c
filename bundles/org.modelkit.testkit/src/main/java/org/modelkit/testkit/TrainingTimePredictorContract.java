package org.modelkit.testkit;

import java.util.Arrays;
import java.util.List;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.trainingtime.TrainingForecast;
import org.modelkit.api.trainingtime.TrainingPlan;
import org.modelkit.api.trainingtime.TrainingTimePredictor;

/**
 * The contract of a {@link TrainingTimePredictor} (clauses in {@link MethodContract}). Input: {@link #model()} (a stored
 * model), {@link #training()} and {@link #plan()}, given by the subclass; the plan's rate must be one at which the
 * training converges. Bad input: a null model ("model"), null training samples ("training"), a null plan ("plan"),
 * and samples of another shape than the model takes ("shape"). Degenerate: a curve of another length than the plan's
 * steps + 1, a loss that never changes, or a predicted training that never gets below its starting loss.
 */
public abstract class TrainingTimePredictorContract extends MethodContract<TrainingTimePredictor> {
    @Override
    protected final Class<TrainingTimePredictor> type() {
        return TrainingTimePredictor.class;
    }

    /** @return a model in the framework's model store */
    protected abstract ModelHandle model();

    /** @return samples the model takes */
    protected abstract LabelledSet training();

    /** @return a plan at a stable rate, a few hundred steps at most */
    protected abstract TrainingPlan plan();

    @Override
    protected Object run(TrainingTimePredictor method, Progress progress) {
        return method.predict(model(), training(), plan(), progress);
    }

    @Override
    protected List<Object> fingerprint(Object result) {
        TrainingForecast f = (TrainingForecast) result;
        return List.of(f.loss(), f.accuracy(), f.stepsToTarget());
    }

    @Override
    protected String degenerate(Object result) {
        double[] loss = ((TrainingForecast) result).loss();
        if (loss.length != plan().steps() + 1) {
            return "the curve has " + loss.length + " points for a plan of " + plan().steps() + " steps (expected steps + 1)";
        }
        if (Arrays.stream(loss).distinct().count() < 2) {
            return "the predicted loss never changes: " + loss[0];
        }
        double least = Arrays.stream(loss, 1, loss.length).min().orElse(Double.NaN);
        return least < loss[0] ? null : "the predicted training never gets below its starting loss " + loss[0];
    }

    @Override
    protected List<BadInput> badInputs(TrainingTimePredictor method) {
        LabelledSet t = training();
        int[] shape = t.features().shape();
        int n = shape[0];
        int d = Math.max(1, t.features().size() / n);
        // the same samples flattened and one value longer: a shape no model that takes the originals takes
        LabelledSet reshaped = new LabelledSet(new Tensor(new int[] {n, d + 1}, new float[n * (d + 1)]), t.labels(),
                t.classNames());
        return List.of(
                new BadInput("a null model", "model", () -> method.predict(null, t, plan(), Progress.NONE)),
                new BadInput("null training samples", "training", () -> method.predict(model(), null, plan(), Progress.NONE)),
                new BadInput("a null plan", "plan", () -> method.predict(model(), t, null, Progress.NONE)),
                new BadInput("samples of shape [" + (d + 1) + "]", "shape",
                        () -> method.predict(model(), reshaped, plan(), Progress.NONE)));
    }
}
