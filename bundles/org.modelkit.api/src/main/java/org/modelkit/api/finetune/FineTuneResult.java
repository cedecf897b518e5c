package org.modelkit.api.finetune;

import java.nio.file.Path;

/**
 * What a fine-tuning job measured.
 *
 * @param solver                the solver used
 * @param loss                  the training objective before the first step and after every step
 *                              ({@code steps + 1} values)
 * @param trainAccuracy         accuracy on the training samples at the end
 * @param testAccuracy          accuracy on the test samples at the end, NaN without a test set
 * @param probeTestAccuracy     test accuracy of the linear-probe baseline on the same frozen features
 *                              (the new head alone fit by ridge regression to the same targets), NaN
 *                              without a test set
 * @param linearizedParameters  how many scalars were linearized
 * @param backend               the id of the compute backend the job ran on
 * @param output                the directory written to, or null
 */
public record FineTuneResult(Solver solver, double[] loss, double trainAccuracy, double testAccuracy,
        double probeTestAccuracy, long linearizedParameters, String backend, Path output) {
    /** @throws IllegalArgumentException if there is no loss value */
    public FineTuneResult {
        if (loss == null || loss.length == 0) {
            throw new IllegalArgumentException("loss must hold at least the starting value");
        }
        loss = loss.clone();
    }

    @Override
    public double[] loss() {
        return loss.clone();
    }

    /**
     * @param fraction for example 0.1
     * @return the first step after which the loss is at most {@code fraction} of the starting loss, or -1
     */
    public int stepsToFraction(double fraction) {
        for (int i = 0; i < loss.length; i++) {
            if (loss[i] <= fraction * loss[0]) {
                return i;
            }
        }
        return -1;
    }
}
