package org.modelkit.normalizer.eman.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modelkit.compute.pytorch.LocalBackends;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.progress.CancelledException;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.teach.Paradigm;
import org.modelkit.api.teach.TeachRequest;
import org.modelkit.api.teach.TeachResult;

/** Short FixMatch and MoCo jobs on 2,000 Fashion-MNIST images (100 labelled), fixed seeds. */
class TeachingTest {
    static LabelledSet labelled;
    static Tensor unlabelled;
    static LabelledSet test;

    @BeforeAll
    static void data() throws IOException {
        LabelledSet train = NormalizerTest.fashion("train", 2000);
        test = NormalizerTest.fashion("t10k", 1000);
        int[] first = new int[100];
        int[] rest = new int[1900];
        for (int i = 0; i < 2000; i++) {
            if (i < 100) {
                first[i] = i;
            } else {
                rest[i - 100] = i;
            }
        }
        labelled = train.select(first);
        unlabelled = train.select(rest).features();
    }

    static TeachResult run(Paradigm p, String normalizer, int epochs, Path out, Progress progress) throws IOException {
        EmaNormalizer n = normalizer.equals("eman") ? new EmanNormalizer() : new BnNormalizer();
        TeachRequest r = new TeachRequest(p, normalizer, labelled, unlabelled, test, epochs, 11, out);
        return new Teaching(r, n, Settings.DEFAULTS, LocalBackends.pytorchCpu("test")).run(progress);
    }

    @Test
    void fixMatchWithEmanLearnsFromOneHundredLabelsAndSavesEverything(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("fixmatch");
        long t0 = System.nanoTime();
        AtomicInteger reports = new AtomicInteger();
        TeachResult r = run(Paradigm.FIXMATCH, "eman", 15, out, (stage, done, total) -> reports.incrementAndGet());
        System.out.printf("FixMatch-eman, 100 labels, 15 epochs (%d steps, %.1f s): teacher %s student %s mask %s loss %s%n",
                r.steps(), (System.nanoTime() - t0) / 1e9, Arrays.toString(r.teacherAccuracy()),
                Arrays.toString(r.studentAccuracy()), Arrays.toString(r.maskRate()), Arrays.toString(r.loss()));
        assertEquals(15, reports.get());
        assertEquals(15 * 12, r.steps());
        // 100 labels, 180 steps: the student reaches about 0.6, and the EMAN teacher, which starts from the
        // student's random initialisation, has to catch up with it (chance is 0.1)
        assertTrue(r.finalTeacherAccuracy() > 0.55, "teacher accuracy " + r.finalTeacherAccuracy());
        assertTrue(r.maskRate()[14] > r.maskRate()[0] + 0.2, "more pseudo-labels pass the threshold as training goes on");
        for (String f : new String[] {"student.params", "teacher.params", "history.csv", "accuracy.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(16, Files.readAllLines(out.resolve("history.csv")).size());
    }

    @Test
    void mocoRunsAndItsFeaturesAreEvaluatedByKnn() throws IOException {
        long t0 = System.nanoTime();
        TeachResult r = run(Paradigm.MOCO, "eman", 4, null, Progress.NONE);
        System.out.printf("MoCo-eman, 4 epochs (%d steps, %.1f s): kNN teacher %s student %s loss %s%n", r.steps(),
                (System.nanoTime() - t0) / 1e9, Arrays.toString(r.teacherAccuracy()),
                Arrays.toString(r.studentAccuracy()), Arrays.toString(r.loss()));
        // compared with the untrained encoder on the same data (the same seed's initialisation), not with
        // a guessed constant: 4 epochs of MoCo raise the teacher's kNN accuracy from 0.587 to 0.640. (The
        // InfoNCE loss rises meanwhile, 6.10 to 7.01, as real keys replace the queue's random negatives.)
        TeachRequest req = new TeachRequest(Paradigm.MOCO, "eman", labelled, unlabelled, test, 4, 11, null);
        double untrained = new Teaching(req, new EmanNormalizer(), Settings.DEFAULTS, LocalBackends.pytorchCpu("test"))
                .untrainedKnnAccuracy();
        System.out.printf("MoCo-eman kNN: untrained encoder %.3f, after 4 epochs teacher %.3f, student %.3f%n", untrained,
                r.finalTeacherAccuracy(), r.finalStudentAccuracy());
        assertTrue(r.finalTeacherAccuracy() > untrained + 0.025, "MoCo's teacher features beat the untrained encoder's ("
                + untrained + ") by 2.5 points: " + r.finalTeacherAccuracy());
        assertEquals(4 * (1900 / 32), r.steps());
        for (double l : r.loss()) {
            assertTrue(Double.isFinite(l) && l > 0 && l < Math.log(4097) + 1, "InfoNCE loss " + l);
        }
        assertTrue(r.finalTeacherAccuracy() > 0.55, "kNN accuracy of the teacher's features " + r.finalTeacherAccuracy());
        assertTrue(Double.isNaN(r.maskRate()[0]));
    }

    @Test
    void cancellingWritesNothing(@TempDir Path dir) {
        Path out = dir.resolve("cancelled");
        AtomicInteger checks = new AtomicInteger();
        Progress cancelAfterFive = new Progress() {
            @Override
            public void report(String stage, long done, long total) {
            }

            @Override
            public boolean isCancelled() {
                return checks.incrementAndGet() > 5;
            }
        };
        assertThrows(CancelledException.class, () -> run(Paradigm.FIXMATCH, "eman", 2, out, cancelAfterFive));
        assertFalse(Files.exists(out), "a cancelled job leaves no output");
    }

    @Test
    void settingsOutOfRangeAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Settings(0.7, 5, 1, 32, 0.03,
                5e-4, 0.99, false, true, 100, 0.2, 64, 20, 256));
        assertTrue(e.getMessage().startsWith("queueSize = 100"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Settings(1.5, 5, 1, 32, 0.03, 5e-4, 0.99, false, true, 4096,
                0.2, 64, 20, 256));
        assertTrue(e.getMessage().startsWith("threshold = 1.5"), e.getMessage());
    }
}
