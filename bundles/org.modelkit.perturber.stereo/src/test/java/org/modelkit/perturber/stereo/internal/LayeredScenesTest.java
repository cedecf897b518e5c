package org.modelkit.perturber.stereo.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.modelkit.api.data.Frame;
import org.modelkit.io.Images;

/** The layered scenes are real stereo: the left image is the right one moved by the ground truth. */
class LayeredScenesTest {
    static List<Frame> textures() throws IOException {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        List<Frame> t = new ArrayList<>();
        for (String n : new String[] {"brick", "grass", "gravel"}) {
            t.add(Images.read(p.resolve("testdata/stereo/texture-" + n + ".png")));
        }
        return t;
    }

    /** @return the median |left(x) − right(x − shift(x))| over pixels whose match lies inside the image */
    static double warpError(StereoBatch b, int s, float[] shift) {
        int w = b.width();
        int h = b.height();
        int o = s * w * h;
        List<Double> e = new ArrayList<>();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double xr = x - shift[o + y * w + x];
                int x0 = (int) Math.floor(xr);
                if (x0 < 0 || x0 + 1 >= w) {
                    continue;
                }
                double f = xr - x0;
                double r = (1 - f) * b.right()[o + y * w + x0] + f * b.right()[o + y * w + x0 + 1];
                e.add(Math.abs(b.left()[o + y * w + x] - r));
            }
        }
        double[] v = e.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[v.length / 2];
    }

    @Test
    void theLeftImageIsTheRightMovedByTheGroundTruth() throws IOException {
        StereoBatch b = LayeredScenes.generate(6, LayeredScenes.HEIGHT, LayeredScenes.WIDTH, 32, textures(), 3);
        for (int s = 0; s < b.n(); s++) {
            float[] gt = b.disparity();
            float[] wrong = gt.clone();
            for (int i = 0; i < wrong.length; i++) {
                wrong[i] += 3;
            }
            float[] zero = new float[gt.length];
            double right = warpError(b, s, gt);
            double off = warpError(b, s, wrong);
            double none = warpError(b, s, zero);
            assertTrue(right < 0.25 * off && right < 0.25 * none, "scene " + s + ": median warp error " + right
                    + " with the ground truth, " + off + " 3 px off, " + none + " unshifted");
            float[] d = Arrays.copyOfRange(gt, s * b.mapSize(), (s + 1) * b.mapSize());
            double lo = Double.MAX_VALUE;
            double hi = 0;
            for (float v : d) {
                assertTrue(v >= 0.5f && v <= 30.5f, "disparity " + v + " outside [0.5, 30.5]");
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            assertTrue(hi - lo > 3, "scene " + s + " is nearly flat: " + lo + " .. " + hi);
        }
    }
}
