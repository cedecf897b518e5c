package org.modelkit.segmenter.motion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modelkit.api.data.Flow;
import org.modelkit.compute.pytorch.LocalBackends;

/**
 * The notes' small experiment (§5.5) with the fixed inpainter: the objective prefers the true mask, and optimising
 * per-frame mask logits finds it on moving frames from flow with N(0, 0.1) noise.
 */
class FixedCisTest {
    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = LocalBackends.pytorchCpu("test").newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static int area(boolean[] m) {
        int a = 0;
        for (boolean b : m) {
            a += b ? 1 : 0;
        }
        return a;
    }

    /** @return a disk of the same area as the mask's at a random centre, at most half of it on the mask */
    static boolean[] randomDisk(boolean[] mask, SplittableRandom r) {
        int n = Disks.SIZE;
        double radius = Math.sqrt(area(mask) / Math.PI);
        while (true) {
            double cx = r.nextDouble(0, n);
            double cy = r.nextDouble(0, n);
            boolean[] d = new boolean[n * n];
            int overlap = 0;
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    d[y * n + x] = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius;
                    overlap += d[y * n + x] && mask[y * n + x] ? 1 : 0;
                }
            }
            if (area(d) > area(mask) / 2 && overlap <= area(mask) / 2) {
                return d;
            }
        }
    }

    /** @return random pixels, as many as the mask has */
    static boolean[] randomPixels(boolean[] mask, SplittableRandom r) {
        boolean[] d = new boolean[mask.length];
        int need = area(mask);
        while (need > 0) {
            int i = r.nextInt(d.length);
            if (!d[i]) {
                d[i] = true;
                need--;
            }
        }
        return d;
    }

    /** @return the part of the mask on one side of a line through its centroid at the angle */
    static boolean[] half(boolean[] mask, double angle) {
        int n = Disks.SIZE;
        double sx = 0;
        double sy = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                sx += i % n;
                sy += i / n;
            }
        }
        sx /= area(mask);
        sy /= area(mask);
        boolean[] d = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            d[i] = mask[i] && ((i % n - sx) * Math.cos(angle) + (i / n - sy) * Math.sin(angle)) >= 0;
        }
        return d;
    }

    @Test
    void theTrueMaskBeatsRandomMasksOfEqualAreaAndEveryHalfOfTheObject() {
        FixedCis cis = new FixedCis(FixedCis.Settings.defaults());
        Disks.Sample[] samples = Disks.generate(12, 1.0, 0, 7);
        SplittableRandom r = new SplittableRandom(11);
        double worstMargin = Double.POSITIVE_INFINITY;
        for (int s = 0; s < samples.length; s++) {
            Disks.Sample d = samples[s];
            List<boolean[]> masks = new ArrayList<>();
            masks.add(d.mask());
            for (int k = 0; k < 50; k++) {
                masks.add(randomDisk(d.mask(), r));
                masks.add(randomPixels(d.mask(), r));
            }
            for (int k = 0; k < 8; k++) {
                masks.add(half(d.mask(), k * Math.PI / 4));
            }
            List<Flow> flows = new ArrayList<>();
            for (int k = 0; k < masks.size(); k++) {
                flows.add(d.flow());
            }
            double[] loss = cis.score(flows, masks, manager);
            double best = Double.POSITIVE_INFINITY;
            for (int k = 1; k < loss.length; k++) {
                best = Math.min(best, loss[k]);
            }
            worstMargin = Math.min(worstMargin, best - loss[0]);
            assertTrue(loss[0] < best, String.format(Locale.ROOT, "frame %d: true mask %.4f, best other %.4f", s, loss[0], best));
        }
        System.out.printf(Locale.ROOT, "12 moving frames: the true mask's loss is below the best of 100 random masks"
                + " and 8 halves by at least %.4f%n", worstMargin);
    }

    @Test
    void optimisedMasksFindTheMovingDisk() {
        FixedCis.Settings settings = FixedCis.Settings.defaults();
        FixedCis cis = new FixedCis(settings);
        Disks.Sample[] samples = Disks.generate(24, 0.5, 0.1, 3);
        List<Flow> flows = new ArrayList<>();
        for (Disks.Sample d : samples) {
            flows.add(d.flow());
        }
        FixedCis.Soft soft = cis.optimise(flows, manager);
        int n = Disks.SIZE * Disks.SIZE;
        double moving = 0;
        double still = 0;
        int nm = 0;
        int flips = 0;
        StringBuilder line = new StringBuilder();
        for (int s = 0; s < samples.length; s++) {
            boolean[] flipped = new boolean[1];
            boolean[] mask = FixedCis.binarise(soft.chi(), s * n, Disks.SIZE, Disks.SIZE, settings.threshold(),
                    settings.border(), flipped);
            flips += flipped[0] ? 1 : 0;
            double j = TestMasks.jaccard(mask, samples[s].mask());
            line.append(String.format(Locale.ROOT, " %s%.2f", samples[s].moving() ? "M" : "s", j));
            assertTrue(Double.isFinite(soft.loss()[s]) && soft.loss()[s] < soft.first()[s], "frame " + s + ": loss "
                    + soft.first()[s] + " -> " + soft.loss()[s]);
            if (samples[s].moving()) {
                moving += j;
                nm++;
            } else {
                still += j;
            }
        }
        moving /= nm;
        still /= samples.length - nm;
        System.out.printf(Locale.ROOT, "fixed CIS, 200 Adam steps on 24 frames (%d moving; flow noise 0.1): mean J"
                + " %.3f on moving frames, %.3f on static ones; %d masks complemented; per frame:%s%n", nm, moving, still,
                flips, line);
        assertTrue(nm >= 8, nm + " moving frames");
        assertTrue(moving >= 0.7, "mean J on moving frames " + moving);
        assertTrue(moving - still >= 0.3, "moving " + moving + " vs static " + still + ": motion, not appearance, finds it");
        assertEquals(samples.length, soft.loss().length);
    }
}
