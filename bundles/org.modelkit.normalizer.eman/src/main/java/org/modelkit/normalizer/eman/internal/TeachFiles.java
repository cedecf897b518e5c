package org.modelkit.normalizer.eman.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.modelkit.api.teach.Paradigm;
import org.modelkit.api.teach.TeachResult;
import org.modelkit.io.Csv;
import org.modelkit.io.LinePlot;
import org.modelkit.io.Json;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Parameters;

/**
 * What a student-teacher run writes: student.params, teacher.params, history.csv and accuracy.png, and
 * for a classifier (FixMatch) model.json, the {@link ModelSpec} both networks are rebuilt from.
 */
final class TeachFiles {
    private TeachFiles() {
    }

    /** Parameters, per-epoch figures and the plot, each file written atomically, after the last epoch. */
    static void save(Path out, StudentTeacher st, TeachResult r, ModelSpec spec) throws IOException {
        if (out == null) {
            return;
        }
        Files.createDirectories(out);
        if (spec != null) {
            Json.write(out.resolve(ModelFiles.SPEC), spec);
        }
        Parameters.save(st.student(), out.resolve("student.params"));
        Parameters.save(st.teacher(), out.resolve("teacher.params"));
        List<List<?>> rows = new ArrayList<>();
        for (int e = 0; e < r.loss().length; e++) {
            rows.add(List.of(e + 1, fmt(r.loss()[e]), fmt(r.studentAccuracy()[e]), fmt(r.teacherAccuracy()[e]),
                    fmt(r.maskRate()[e])));
        }
        Csv.writeRows(out.resolve("history.csv"), List.of("epoch", "loss", "student_accuracy", "teacher_accuracy",
                "mask_rate"), rows);
        String what = r.paradigm() == Paradigm.FIXMATCH ? "test accuracy" : "kNN test accuracy";
        LinePlot.write(out.resolve("accuracy.png"), r.paradigm().label() + " with " + r.normalizer() + ": " + what,
                "epoch", what, false, List.of(
                        LinePlot.Series.of("teacher (" + r.normalizer() + ")", r.teacherAccuracy(), 0, false),
                        LinePlot.Series.of("student", r.studentAccuracy(), 0, true)));
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.5f", v);
    }
}
