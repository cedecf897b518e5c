package org.modelkit.api.trainingtime;

/**
 * A plan of SGD training whose outcome is to be predicted.
 *
 * @param steps        number of optimiser steps, at least 1
 * @param batchSize    samples per step, at least 1
 * @param learningRate step size, finite and positive
 * @param momentum     heavy-ball momentum in {@code [0, 1)}
 * @param weightDecay  L2 coefficient, finite and at least 0
 * @param targetLoss   the training loss whose first crossing is predicted, finite and at least 0
 */
public record TrainingPlan(int steps, int batchSize, double learningRate, double momentum, double weightDecay,
        double targetLoss) {
    /** @throws IllegalArgumentException naming the first field out of range */
    public TrainingPlan {
        if (steps < 1) {
            throw new IllegalArgumentException("steps = " + steps + " must be at least 1");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize = " + batchSize + " must be at least 1");
        }
        if (!(Double.isFinite(learningRate) && learningRate > 0)) {
            throw new IllegalArgumentException("learningRate = " + learningRate + " must be finite and positive");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum = " + momentum + " must lie in [0, 1)");
        }
        if (!(Double.isFinite(weightDecay) && weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay = " + weightDecay + " must be finite and >= 0");
        }
        if (!(Double.isFinite(targetLoss) && targetLoss >= 0)) {
            throw new IllegalArgumentException("targetLoss = " + targetLoss + " must be finite and >= 0");
        }
    }
}
