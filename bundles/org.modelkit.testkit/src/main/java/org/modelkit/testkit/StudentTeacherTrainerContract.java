package org.modelkit.testkit;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.teach.StudentTeacherTrainer;
import org.modelkit.api.teach.TeachRequest;
import org.modelkit.api.teach.TeachResult;

/**
 * The contract of a {@link StudentTeacherTrainer} (clauses in {@link MethodContract}). Input:
 * {@link #request(Path)}, a small job given by the subclass (one or two epochs on a few hundred samples: the clauses
 * run it four times). Bad input: a null request (message names "request") and a normalizer that is not installed
 * (names "normalizer"). Degenerate: a non-finite loss or accuracy, or an accuracy outside [0, 1].
 */
public abstract class StudentTeacherTrainerContract extends MethodContract<StudentTeacherTrainer> {
    @Override
    protected final Class<StudentTeacherTrainer> type() {
        return StudentTeacherTrainer.class;
    }

    /**
     * @param output a fresh, empty folder for the result
     * @return a small job with a fixed seed
     */
    protected abstract TeachRequest request(Path output);

    @Override
    protected Object run(StudentTeacherTrainer method, Progress progress) {
        return method.teach(request(freshFolder()), progress);
    }

    @Override
    protected List<Object> fingerprint(Object result) {
        TeachResult r = (TeachResult) result;
        return List.of(r.loss(), r.studentAccuracy(), r.teacherAccuracy(), r.steps());
    }

    @Override
    protected String degenerate(Object result) {
        TeachResult r = (TeachResult) result;
        for (double[] a : List.of(r.loss(), r.studentAccuracy(), r.teacherAccuracy())) {
            if (Arrays.stream(a).anyMatch(v -> !Double.isFinite(v))) {
                return "a figure is not finite: loss " + Arrays.toString(r.loss()) + ", student " + Arrays.toString(r.studentAccuracy())
                        + ", teacher " + Arrays.toString(r.teacherAccuracy());
            }
        }
        for (double[] a : List.of(r.studentAccuracy(), r.teacherAccuracy())) {
            if (Arrays.stream(a).anyMatch(v -> v < 0 || v > 1)) {
                return "an accuracy outside [0, 1]: " + Arrays.toString(a);
            }
        }
        return r.steps() > 0 ? null : "no optimiser step was taken";
    }

    @Override
    protected List<BadInput> badInputs(StudentTeacherTrainer method) {
        TeachRequest ok = request(freshFolder());
        TeachRequest unknown = new TeachRequest(ok.paradigm(), "no-such-normalizer", ok.labelled(), ok.unlabelled(), ok.test(),
                ok.epochs(), ok.seed(), freshFolder());
        return List.of(
                new BadInput("a null request", "request", () -> method.teach(null, Progress.NONE)),
                new BadInput("a normalizer that is not installed", "normalizer", () -> method.teach(unknown, Progress.NONE)));
    }
}
