package org.modelkit.segmenter.motion.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.modelkit.api.data.Flow;
import org.modelkit.api.data.Frame;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.pytorch.LocalBackends;

/** The Fashion-MNIST sprites: exact flow and masks, and what CIS makes of them. */
class FashionSpritesTest {
    static Disks.Sequence sequence(long seed, int frames) throws IOException {
        return FashionSprites.sequence(64, frames, seed, VtestTest.testdata("fashion-mnist/train-2000-images-idx3-ubyte.gz"),
                VtestTest.testdata("stereo/texture-brick.png"));
    }

    @Test
    void theFlowCarriesEachFrameOntoTheNext() throws IOException {
        Disks.Sequence s = sequence(5, 8);
        int n = s.size();
        double warped = 0;
        double still = 0;
        int count = 0;
        double area = 0;
        for (int t = 0; t + 1 < s.frames().length; t++) {
            Flow f = s.flows()[t];
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    int p = y * n + x;
                    double tx = x + f.u()[p];
                    double ty = y + f.v()[p];
                    // pixels whose surface point stays in view and is not covered by the other item at t + 1
                    if (tx < 1 || ty < 1 || tx > n - 2 || ty > n - 2) {
                        continue;
                    }
                    boolean wasObject = s.masks()[t][p];
                    boolean isObject = s.masks()[t + 1][(int) Math.round(ty) * n + (int) Math.round(tx)];
                    if (wasObject != isObject) {
                        continue;
                    }
                    warped += Math.abs(FashionSprites.sample(s.frames()[t + 1], n, n, tx, ty) - s.frames()[t][p]);
                    still += Math.abs(s.frames()[t + 1][p] - s.frames()[t][p]);
                    count++;
                }
            }
            int in = 0;
            for (boolean b : s.masks()[t]) {
                in += b ? 1 : 0;
            }
            area += (double) in / (n * n) / (s.frames().length - 1);
        }
        warped /= count;
        still /= count;
        System.out.printf(Locale.ROOT, "fashion sprites: |I(t+1)(p + u) - I(t)(p)| %.4f against %.4f without the flow;"
                + " mean mask area %.3f%n", warped, still, area);
        assertTrue(warped < 0.35 * still, "warped " + warped + " vs still " + still);
        assertTrue(area > 0.05 && area < 0.5, "area " + area);
    }

    @Test
    void cisFindsTheItems() throws IOException {
        Disks.Sequence s = sequence(6, 10);
        MotionSegmenter seg = new MotionSegmenter("test", MotionSegmenterTest.defaults());
        seg.bind(LocalBackends.pytorchCpu("test"));
        List<Frame> frames = MotionSegmenterTest.frames(s);
        MotionSegmenter.Run run = seg.run(frames, MotionSegmenterTest.defaults(), Progress.NONE);
        double j = 0;
        double base = 0;
        for (int t = 0; t < frames.size(); t++) {
            j += TestMasks.jaccard(run.masks().get(t).toArray(), s.masks()[t]) / frames.size();
            base += TestMasks.jaccard(MotionSegmenterTest.magnitudeMask(run.flows().get(t), 1), s.masks()[t]) / frames.size();
        }
        System.out.printf(Locale.ROOT, "cis on 10 fashion-sprite frames over brick (camera pan, Brox flow): mean J %.3f;"
                + " flow-magnitude baseline %.3f%n", j, base);
        assertTrue(j >= 0.3, "J " + j);
    }
}
