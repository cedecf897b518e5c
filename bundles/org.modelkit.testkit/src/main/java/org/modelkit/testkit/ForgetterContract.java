package org.modelkit.testkit;

import java.util.Arrays;
import java.util.List;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.forget.ForgetResult;
import org.modelkit.api.forget.Forgetter;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.progress.Progress;
import org.osgi.framework.ServiceReference;

/**
 * The contract of a {@link Forgetter} (clauses in {@link MethodContract}). Input: {@link #model()}, a forgettable model
 * in the framework's model store that is its id's current version, the {@link #training()} samples it was trained on,
 * and the indices {@link #forget()} to forget, given by the subclass; the forgetter's noise must be seeded (a
 * configuration), or the determinism clause cannot hold. Every run publishes a new version; after each, the contract
 * makes {@link #model()} current again through the {@link ModelStore} service, so the next run forgets from the same
 * version. Bad input: a null model ("model"), null training samples ("training"), null indices and no indices
 * ("forget"), an index past the samples and an index named twice ("sample"). Degenerate: no new version, a
 * prediction per sample missing, every sample predicted as one class, or a bound that is not finite.
 */
public abstract class ForgetterContract extends MethodContract<Forgetter> {
    @Override
    protected final Class<Forgetter> type() {
        return Forgetter.class;
    }

    /** @return a forgettable model, its id's current version */
    protected abstract ModelHandle model();

    /** @return the samples {@link #model()} was trained on, in the same order */
    protected abstract LabelledSet training();

    /** @return the indices into {@link #training()} to forget */
    protected abstract int[] forget();

    @Override
    protected Object run(Forgetter method, Progress progress) throws Exception {
        ForgetResult r = method.forget(model(), training(), forget(), progress);
        ServiceReference<ModelStore> ref = context().getServiceReference(ModelStore.class);
        if (ref == null) {
            throw new AssertionError(clause("determinism", "no ModelStore service to make " + model() + " current again"));
        }
        try {
            context().getService(ref).promote(model());
        } finally {
            context().ungetService(ref);
        }
        return new Forgotten(r, method.predict(r.model(), training().features()));
    }

    /** A run's result and the new version's prediction of every training sample. */
    record Forgotten(ForgetResult result, int[] predicted) {
    }

    @Override
    protected List<Object> fingerprint(Object result) {
        Forgotten f = (Forgotten) result;
        return List.of(f.predicted(), f.result().remainingInformationNats());
    }

    @Override
    protected String degenerate(Object result) {
        Forgotten f = (Forgotten) result;
        if (f.result().model().equals(model())) {
            return "forgetting returned the model it started from, " + model() + ", not a new version";
        }
        if (f.predicted().length != training().size()) {
            return "the new version predicted " + f.predicted().length + " classes for " + training().size() + " samples";
        }
        if (Arrays.stream(f.predicted()).distinct().count() < 2) {
            return "the new version predicts class " + f.predicted()[0] + " for every sample";
        }
        return Double.isFinite(f.result().remainingInformationNats()) ? null
                : "the bound on the remaining information is " + f.result().remainingInformationNats();
    }

    @Override
    protected List<BadInput> badInputs(Forgetter method) {
        ModelHandle m = model();
        LabelledSet t = training();
        int first = forget()[0];
        return List.of(
                new BadInput("a null model", "model", () -> method.forget(null, t, forget(), Progress.NONE)),
                new BadInput("null training samples", "training", () -> method.forget(m, null, forget(), Progress.NONE)),
                new BadInput("null indices", "forget", () -> method.forget(m, t, null, Progress.NONE)),
                new BadInput("no indices", "forget", () -> method.forget(m, t, new int[0], Progress.NONE)),
                new BadInput("index " + t.size() + " of " + t.size() + " samples", "sample",
                        () -> method.forget(m, t, new int[] {t.size()}, Progress.NONE)),
                new BadInput("index " + first + " twice", "sample", () -> method.forget(m, t, new int[] {first, first},
                        Progress.NONE)));
    }
}
