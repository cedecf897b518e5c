package org.modelkit.api.teach;

import java.nio.file.Path;

/**
 * What a student-teacher job measured. Accuracies are on the request's test set: for FixMatch the
 * networks' own predictions, for MoCo k-nearest-neighbour classification of their features with the
 * labelled samples as memory.
 *
 * @param paradigm          FixMatch or MoCo
 * @param normalizer        the normalizer's name
 * @param backend           the id of the compute backend the job ran on
 * @param loss              the mean training loss of each epoch
 * @param studentAccuracy   the student's test accuracy after each epoch
 * @param teacherAccuracy   the teacher's test accuracy after each epoch (the teacher evaluated as the
 *                          normalizer prescribes: EMAN with stored statistics, "bn" with batch statistics)
 * @param maskRate          FixMatch: the fraction of unlabelled samples whose pseudo-label passed the
 *                          confidence threshold, per epoch; MoCo: NaN
 * @param steps             optimiser steps taken
 * @param output            the directory written to, or null
 */
public record TeachResult(Paradigm paradigm, String normalizer, String backend, double[] loss,
        double[] studentAccuracy, double[] teacherAccuracy, double[] maskRate, long steps, Path output) {
    /** @throws IllegalArgumentException if the per-epoch arrays differ in length or are empty */
    public TeachResult {
        if (loss.length == 0 || studentAccuracy.length != loss.length || teacherAccuracy.length != loss.length
                || maskRate.length != loss.length) {
            throw new IllegalArgumentException("per-epoch figures must have one entry per epoch");
        }
        loss = loss.clone();
        studentAccuracy = studentAccuracy.clone();
        teacherAccuracy = teacherAccuracy.clone();
        maskRate = maskRate.clone();
    }

    /** @return the teacher's test accuracy after the last epoch */
    public double finalTeacherAccuracy() {
        return teacherAccuracy[teacherAccuracy.length - 1];
    }

    /** @return the student's test accuracy after the last epoch */
    public double finalStudentAccuracy() {
        return studentAccuracy[studentAccuracy.length - 1];
    }

    @Override
    public double[] loss() {
        return loss.clone();
    }

    @Override
    public double[] studentAccuracy() {
        return studentAccuracy.clone();
    }

    @Override
    public double[] teacherAccuracy() {
        return teacherAccuracy.clone();
    }

    @Override
    public double[] maskRate() {
        return maskRate.clone();
    }
}
