package org.modelkit.segmenter.motion.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.Images;

/**
 * The real clip: OpenCV's vtest.avi, frames 100-139 at 192×144, against pseudo-masks (the median background of
 * all 795 frames, |frame − median| > 25; testdata/README.md). Several pedestrians walk at once, so one
 * partition per frame can cover only some of them.
 */
class VtestTest {
    static Path testdata(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p.resolve("testdata").resolve(relative);
    }

    @Test
    void cisFindsPedestriansAgainstThePseudoMasks() throws IOException {
        // 20 of the 40 frames keep the test under 30 s; the demo runs all 40
        int n = 20;
        List<Frame> frames = Images.readFrames(testdata("frames/vtest-192/frames")).subList(0, n);
        List<Mask> truth = SegmentCommands.readMasks(testdata("frames/vtest-192/masks"), 40, 192, 144).subList(0, n);
        MotionSegmenter segmenter = new MotionSegmenter("test", MotionSegmenterTest.defaults());
        segmenter.bind(LocalBackends.pytorchCpu("test"));
        // pedestrians move about 1 px per frame at 192x144, a third of that at the working size: a gap of 2 and
        // ε 5 instead of 75 (measured on 10 frames: gap 1 and ε 75 left masks of 0.1 % of the frame, J 0.02;
        // ε 5 gap 1 0.12, ε 1 gap 1 0.16, ε 5 gap 3 0.21, ε 15 gap 3 0.19, ε 1 gap 3 0.13, working side 96 0.11)
        MotionSegmenter.Settings s = new MotionSegmenter.Settings(Flows.Method.BROX, 2, 64, 0,
                new FixedCis.Settings(1, 5, 200, 2, 0.1, 0.6, 1, 8, 0));
        MotionSegmenter.Run run = segmenter.run(frames, s, Progress.NONE);
        double cis = 0;
        double baseline = 0;
        double all = 0;
        double area = 0;
        for (int t = 0; t < n; t++) {
            boolean[] gt = truth.get(t).toArray();
            boolean[] m = run.masks().get(t).toArray();
            cis += TestMasks.jaccard(m, gt) / n;
            baseline += TestMasks.jaccard(MotionSegmenterTest.magnitudeMask(run.flows().get(t), 1), gt) / n;
            boolean[] full = new boolean[gt.length];
            java.util.Arrays.fill(full, true);
            all += TestMasks.jaccard(full, gt) / n;
            int in = 0;
            for (boolean b : m) {
                in += b ? 1 : 0;
            }
            area += (double) in / m.length / n;
        }
        System.out.printf(Locale.ROOT, "vtest, %d frames of 192x144, %s flow: CIS mean J %.3f (mask area %.1f %%), flow-magnitude"
                + " baseline %.3f, all foreground %.3f; %.1f s%n", n, s.flow().label(), cis, 100 * area, baseline, all,
                run.seconds());
        assertTrue(cis >= 0.15, "mean J " + cis);
        assertTrue(cis > 3 * all, "CIS " + cis + " against " + all + " for the all-foreground mask");
    }
}
