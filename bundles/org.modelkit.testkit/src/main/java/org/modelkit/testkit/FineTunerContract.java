package org.modelkit.testkit;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.modelkit.api.finetune.FineTuneRequest;
import org.modelkit.api.finetune.FineTuneResult;
import org.modelkit.api.finetune.FineTuner;
import org.modelkit.api.progress.Progress;

/**
 * The contract of a {@link FineTuner} (clauses in {@link MethodContract}). Input: {@link #request(Path)}, a small
 * job given by the subclass (a few steps: the clauses run it four times), writing to a fresh folder each run (deleted after the test). Bad
 * input: a null request (message names "request"). Degenerate: a non-finite loss, a loss that never changes, or an
 * accuracy outside [0, 1].
 */
public abstract class FineTunerContract extends MethodContract<FineTuner> {
    @Override
    protected final Class<FineTuner> type() {
        return FineTuner.class;
    }

    /**
     * @param output a fresh, empty folder for the result (or null in the request, if the method writes nothing)
     * @return a small fine-tuning job with a fixed seed
     */
    protected abstract FineTuneRequest request(Path output);

    @Override
    protected Object run(FineTuner method, Progress progress) {
        return method.fineTune(request(freshFolder()), progress);
    }

    @Override
    protected List<Object> fingerprint(Object result) {
        FineTuneResult r = (FineTuneResult) result;
        return List.of(r.loss(), r.trainAccuracy(), r.testAccuracy());
    }

    @Override
    protected String degenerate(Object result) {
        FineTuneResult r = (FineTuneResult) result;
        if (r.loss().length < 2 || Arrays.stream(r.loss()).anyMatch(v -> !Double.isFinite(v))) {
            return "the loss curve " + Arrays.toString(r.loss()) + " is short or not finite";
        }
        if (Arrays.stream(r.loss()).distinct().count() < 2) {
            return "the loss never changed: " + r.loss()[0];
        }
        return r.trainAccuracy() >= 0 && r.trainAccuracy() <= 1 ? null : "train accuracy " + r.trainAccuracy();
    }

    @Override
    protected List<BadInput> badInputs(FineTuner method) {
        return List.of(new BadInput("a null request", "request", () -> method.fineTune(null, Progress.NONE)));
    }
}
