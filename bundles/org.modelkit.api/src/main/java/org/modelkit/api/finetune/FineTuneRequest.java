package org.modelkit.api.finetune;

import java.nio.file.Path;
import org.modelkit.api.data.LabelledSet;

/**
 * One fine-tuning job.
 *
 * @param pretrained       a model directory ({@code model.json} and {@code parameters.params}, as
 *                         written by {@code org.modelkit.nn.ModelFiles})
 * @param train            the labelled samples of the new task
 * @param test             held-out samples of the new task (same sample shape and classes), or null
 * @param solver           K-FAC or gradient descent
 * @param steps            optimiser steps, at least 1
 * @param linearizedLayers how many of the last layers with parameters are linearized (the new head
 *                         counts as one); 0 linearizes all; the others stay frozen
 * @param seed             seeds the new head and anything random
 * @param output           a directory to save the fine-tuned model into (created if missing), or null
 */
public record FineTuneRequest(Path pretrained, LabelledSet train, LabelledSet test, Solver solver, int steps,
        int linearizedLayers, long seed, Path output) {
    /** @throws IllegalArgumentException naming the field that is missing or out of range */
    public FineTuneRequest {
        if (pretrained == null || train == null || solver == null) {
            throw new IllegalArgumentException("pretrained, train and solver must be given");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps = " + steps + " must be at least 1");
        }
        if (linearizedLayers < 0) {
            throw new IllegalArgumentException("linearizedLayers = " + linearizedLayers + " must be 0 (all) or more");
        }
        if (train.size() == 0) {
            throw new IllegalArgumentException("the training set is empty");
        }
        if (test != null && test.classCount() != train.classCount()) {
            throw new IllegalArgumentException("test set has " + test.classCount() + " classes, training set "
                    + train.classCount());
        }
    }
}
