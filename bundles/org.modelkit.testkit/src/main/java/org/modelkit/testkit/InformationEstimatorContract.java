package org.modelkit.testkit;

import java.util.Arrays;
import java.util.List;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.information.InformationEstimator;
import org.modelkit.api.information.InformationSettings;
import org.modelkit.api.information.SampleInformation;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.progress.Progress;

/**
 * The contract of an {@link InformationEstimator} (clauses in {@link MethodContract}). Input: {@link #model()} (w0 in
 * the framework's model store), {@link #training()}, {@link #validation()} and {@link #settings()}, given by the
 * subclass. Bad input: a null model ("model"), null training samples ("training"), null validation inputs
 * ("validation"), validation inputs of another shape than the training samples ("validation"), and null settings
 * ("settings"). Degenerate: not one estimate per sample, or every sample given the same function information (a
 * constant or all-zero estimate).
 */
public abstract class InformationEstimatorContract extends MethodContract<InformationEstimator> {
    @Override
    protected final Class<InformationEstimator> type() {
        return InformationEstimator.class;
    }

    /** @return w0, a model in the framework's model store */
    protected abstract ModelHandle model();

    /** @return training samples the model takes, a few dozen */
    protected abstract LabelledSet training();

    /** @return the inputs the function information is measured on */
    protected abstract Tensor validation();

    /** @return the training to predict: a stable rate */
    protected abstract InformationSettings settings();

    @Override
    protected Object run(InformationEstimator method, Progress progress) {
        return method.estimate(model(), training(), validation(), settings(), progress);
    }

    @Override
    protected List<Object> fingerprint(Object result) {
        SampleInformation s = (SampleInformation) result;
        return List.of(s.weights(), s.function());
    }

    @Override
    protected String degenerate(Object result) {
        double[] f = ((SampleInformation) result).function();
        if (f.length != training().size()) {
            return f.length + " estimates for " + training().size() + " samples";
        }
        if (Arrays.stream(f).distinct().count() < 2) {
            return "every sample carries the same function information, " + f[0] + " nats";
        }
        return null;
    }

    @Override
    protected List<BadInput> badInputs(InformationEstimator method) {
        ModelHandle m = model();
        LabelledSet t = training();
        Tensor v = validation();
        int rows = v.shape()[0];
        Tensor wider = Tensor.zeros(rows, v.size() / rows + 1);
        return List.of(
                new BadInput("a null model", "model", () -> method.estimate(null, t, v, settings(), Progress.NONE)),
                new BadInput("null training samples", "training", () -> method.estimate(m, null, v, settings(), Progress.NONE)),
                new BadInput("null validation inputs", "validation", () -> method.estimate(m, t, null, settings(),
                        Progress.NONE)),
                new BadInput("validation inputs of shape [" + (v.size() / rows + 1) + "]", "validation",
                        () -> method.estimate(m, t, wider, settings(), Progress.NONE)),
                new BadInput("null settings", "settings", () -> method.estimate(m, t, v, null, Progress.NONE)));
    }
}
