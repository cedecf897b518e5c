package org.modelkit.segmenter.motion.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.segment.BootstrapRequest;
import org.modelkit.api.segment.BootstrapResult;
import org.modelkit.compute.pytorch.LocalBackends;

/**
 * DyStaB through its service: the bootstrap from sprite sequences whose last frames are static (the disk rides with
 * the background), with estimated flow; the model written, loaded by the "dystab" segmenter and applied to single
 * frames.
 */
class DystabTest {
    static final int SEQUENCES = 3;
    static final int FRAMES = 12;
    static final int STILL = 4;
    static DystabSegmenter dystab;
    static List<List<Frame>> sequences = new ArrayList<>();
    static List<List<Mask>> truth = new ArrayList<>();

    static DystabSegmenter.Settings settings(Path model) {
        return new DystabSegmenter.Settings(model, MotionSegmenterTest.defaults(), new Bootstrap.Settings(1, 1), 2, 30);
    }

    @BeforeAll
    static void open() {
        dystab = new DystabSegmenter("test", settings(null));
        dystab.bind(LocalBackends.pytorchCpu("test"));
        for (int i = 0; i < SEQUENCES; i++) {
            Disks.Sequence s = Disks.sequence(64, FRAMES, 40 + i, STILL);
            sequences.add(MotionSegmenterTest.frames(s));
            List<Mask> m = new ArrayList<>();
            for (boolean[] b : s.masks()) {
                m.add(new Mask(64, 64, b));
            }
            truth.add(m);
        }
    }

    /** @return the mean J over the static frames (the last STILL of each sequence) or over the moving ones */
    static double meanJ(List<List<Mask>> masks, boolean still) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < masks.size(); i++) {
            for (int t = 0; t < FRAMES; t++) {
                if ((t >= FRAMES - STILL) == still) {
                    sum += masks.get(i).get(t).jaccard(truth.get(i).get(t));
                    n++;
                }
            }
        }
        return sum / n;
    }

    @Test
    void theBootstrappedStaticModelFindsTheObjectWhereNothingMoves(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("model");
        Bootstrap.Outcome o = dystab.bootstrap(new BootstrapRequest(sequences, truth, 2, 30, 7, out), Progress.NONE);
        BootstrapResult r = o.result();
        for (BootstrapResult.Round x : r.rounds()) {
            System.out.printf(Locale.ROOT, "dystab round %d: %d frames informative; J over all frames: dynamic %.3f,"
                    + " static %.3f; BCE %.3f%n", x.round(), x.frames(), x.dynamicJ(), x.staticJ(), x.loss());
        }
        double dynStill = meanJ(o.dynamic(), true);
        double dynMoving = meanJ(o.dynamic(), false);
        double statStill = meanJ(o.still(), true);
        double statMoving = meanJ(o.still(), false);
        System.out.printf(Locale.ROOT, "dystab after round 2: static frames J dynamic %.3f, static net %.3f; moving frames"
                + " J dynamic %.3f, static net %.3f (%.0f s)%n", dynStill, statStill, dynMoving, statMoving, r.seconds());
        assertEquals(2, r.rounds().size());
        assertTrue(Files.isRegularFile(out.resolve(StaticNet.SPEC)) && Files.isRegularFile(out.resolve(StaticNet.WEIGHTS)));
        // measured: round 1 dynamic 0.360 and static 0.809 over all frames, round 2 0.541 and 0.812; after round 2 on
        // the static frames the dynamic step 0.484 and the static net 0.810
        assertTrue(statStill >= 0.6, "static net on static frames " + statStill);
        assertTrue(statStill >= dynStill + 0.2, "static net " + statStill + " vs dynamic " + dynStill + " on static frames");
        BootstrapResult.Round one = r.rounds().get(0);
        BootstrapResult.Round two = r.rounds().get(1);
        assertTrue(one.staticJ() >= one.dynamicJ() + 0.1, "round 1: the static net " + one.staticJ()
                + " generalises beyond its noisy labels " + one.dynamicJ());
        assertTrue(two.dynamicJ() >= one.dynamicJ() + 0.05, "the static prior lifts the dynamic masks: " + one.dynamicJ()
                + " to " + two.dynamicJ());
        // the positional prior: the best fixed mask (pixels inside more than a fraction of all true masks, the fraction
        // chosen on these frames, generous to it) must be well below the static net (measured 0.550 against 0.812)
        double prior = 0;
        for (int f = 1; f < 20; f++) {
            boolean[] fixed = new boolean[64 * 64];
            for (int k = 0; k < fixed.length; k++) {
                int c = 0;
                for (List<Mask> seq : truth) {
                    for (Mask m : seq) {
                        c += m.toArray()[k] ? 1 : 0;
                    }
                }
                fixed[k] = c > f / 20.0 * SEQUENCES * FRAMES;
            }
            List<List<Mask>> same = new ArrayList<>();
            for (List<Mask> seq : truth) {
                List<Mask> copies = new ArrayList<>();
                for (int t = 0; t < FRAMES; t++) {
                    copies.add(new Mask(64, 64, fixed));
                }
                same.add(copies);
            }
            prior = Math.max(prior, (meanJ(same, true) * STILL + meanJ(same, false) * (FRAMES - STILL)) / FRAMES);
        }
        System.out.printf(Locale.ROOT, "dystab: the best fixed positional mask J %.3f%n", prior);
        assertTrue(two.staticJ() >= prior + 0.2, "static " + two.staticJ() + " vs the positional prior " + prior);

        // the model as the service loads it: the same masks for single frames
        DystabSegmenter loaded = new DystabSegmenter("test", settings(out));
        loaded.bind(LocalBackends.pytorchCpu("test"));
        for (int t = 0; t < FRAMES; t++) {
            assertArrayEquals(o.still().get(0).get(t).toArray(), loaded.segment(sequences.get(0).get(t)).toArray(),
                    "frame " + t);
        }
        Frame wrong = new Frame(32, 32, 1, new float[32 * 32]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loaded.segment(wrong));
        assertTrue(e.getMessage().contains("frame 0 is 32x32 but the static model"), e.getMessage());
        assertTrue(e.getMessage().contains("was trained on 64x64 frames"), e.getMessage());
        loaded.deactivate();
    }

    @Test
    void badRequestsAreRefusedAndWriteNothing(@TempDir Path tmp) {
        Path out = tmp.resolve("model");
        List<Frame> still = new ArrayList<>();
        Disks.Sequence s = Disks.sequence(64, 4, 3, 4);
        still.addAll(MotionSegmenterTest.frames(s));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dystab.train(new BootstrapRequest(
                List.of(still), null, 1, 1, 1, out), Progress.NONE));
        assertTrue(e.getMessage().contains("no frame of the 1 sequences has informative motion"), e.getMessage());
        assertFalse(Files.exists(out));
        e = assertThrows(IllegalArgumentException.class, () -> new BootstrapRequest(List.of(still.subList(0, 1)), null, 1,
                1, 1, out));
        assertTrue(e.getMessage().contains("sequence 0 holds 1 frames"), e.getMessage());
        List<Frame> small = List.of(new Frame(32, 32, 1, new float[1024]), new Frame(32, 32, 1, new float[1024]));
        e = assertThrows(IllegalArgumentException.class, () -> dystab.train(new BootstrapRequest(List.of(still, small), null,
                1, 1, 1, out), Progress.NONE));
        assertTrue(e.getMessage().contains("sequence 1 frame 0 is 32x32x1 but sequence 0 frame 0 is 64x64x1"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BootstrapRequest(List.of(still), List.of(List.of()), 1, 1,
                1, out));
        assertTrue(e.getMessage().contains("sequence 0 has 4 frames but 0 ground-truth masks"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> dystab.segment(still.get(0)));
        assertTrue(e.getMessage().contains("no static model is configured"), e.getMessage());
        DystabSegmenter none = new DystabSegmenter("test", settings(tmp.resolve("none")));
        none.bind(LocalBackends.pytorchCpu("test"));
        e = assertThrows(IllegalArgumentException.class, () -> none.segment(still.get(0)));
        assertTrue(e.getMessage().contains("model directory '" + tmp.resolve("none") + "' does not exist"), e.getMessage());
        assertFalse(Files.exists(out));
    }
}
