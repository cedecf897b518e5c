package org.modelkit.api.segment;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a {@link BootstrapRequest}.
 *
 * @param model   the folder the static model was written to
 * @param rounds  one entry per round, in order
 * @param seconds the time taken
 * @since 1.1
 */
public record BootstrapResult(Path model, List<Round> rounds, double seconds) {
    /**
     * One round.
     *
     * @param round    1, 2, ...
     * @param frames   the frames whose motion was informative, on whose dynamic masks the static model trained
     * @param dynamicJ the dynamic masks' mean Jaccard index against the ground truth over every frame that has one
     *                 (NaN without ground truth)
     * @param staticJ  the static model's, likewise (NaN without ground truth)
     * @param loss     the static model's training loss in the last epoch
     */
    public record Round(int round, int frames, double dynamicJ, double staticJ, double loss) {
    }

    /** @throws IllegalArgumentException if a field is null or no round is given */
    public BootstrapResult {
        if (model == null || rounds == null || rounds.isEmpty()) {
            throw new IllegalArgumentException("the model folder and at least one round must be given");
        }
        rounds = List.copyOf(rounds);
    }
}
