package org.modelkit.api.trainingtime;

import java.util.Arrays;

/**
 * A predicted training curve.
 *
 * @param loss          predicted training loss before step 0 and after each step: {@code steps + 1}
 *                      finite values
 * @param accuracy      predicted training accuracy in {@code [0, 1]} at the same points, same length
 * @param stepsToTarget the first step after which the predicted loss is at or below the plan's
 *                      target, or -1 if that does not happen within the plan
 */
public record TrainingForecast(double[] loss, double[] accuracy, int stepsToTarget) {
    /** @throws IllegalArgumentException if arrays are null, empty, differ in length, or hold bad values */
    public TrainingForecast {
        if (loss == null || accuracy == null || loss.length == 0 || loss.length != accuracy.length) {
            throw new IllegalArgumentException("loss and accuracy must be non-empty and of equal length");
        }
        for (int i = 0; i < loss.length; i++) {
            if (!Double.isFinite(loss[i])) {
                throw new IllegalArgumentException("loss[" + i + "] is " + loss[i] + "; it must be finite");
            }
            if (!(accuracy[i] >= 0 && accuracy[i] <= 1)) {
                throw new IllegalArgumentException("accuracy[" + i + "] is " + accuracy[i] + "; it must lie in [0, 1]");
            }
        }
        if (stepsToTarget < -1 || stepsToTarget >= loss.length) {
            throw new IllegalArgumentException("stepsToTarget = " + stepsToTarget + " must be -1 or a step in [0, "
                    + (loss.length - 1) + "]");
        }
        loss = loss.clone();
        accuracy = accuracy.clone();
    }

    /** @return a copy of the loss curve */
    @Override
    public double[] loss() {
        return loss.clone();
    }

    /** @return a copy of the accuracy curve */
    @Override
    public double[] accuracy() {
        return accuracy.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingForecast f && Arrays.equals(loss, f.loss) && Arrays.equals(accuracy, f.accuracy)
                && stepsToTarget == f.stepsToTarget;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(loss) * 31 + stepsToTarget;
    }

    @Override
    public String toString() {
        return "TrainingForecast[" + (loss.length - 1) + " steps, target at " + stepsToTarget + "]";
    }
}
