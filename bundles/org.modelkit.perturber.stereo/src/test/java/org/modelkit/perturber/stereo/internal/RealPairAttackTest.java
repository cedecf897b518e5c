package org.modelkit.perturber.stereo.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modelkit.api.data.StereoPair;
import org.modelkit.api.perturb.AttackSpec;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.Images;
import org.modelkit.io.Pfm;

/**
 * The paper's effect on real stereo pairs with ground truth: Middlebury's Motorcycle (a quarter) and Aloe (an
 * eighth), attacked on the committed net A that {@code scripts/make-stereo-models} trained on textured layered
 * scenes only (32 disparities: Aloe at an eighth reaches 30), the perturbations carried to a second network of the same architecture trained from
 * another seed (A2) and across architectures to net B (concatenation and group-correlation volume, 3-D convolutions). Every attack assertion is gated on a clean EPE of at most two thirds of a
 * constant median disparity's, so a network that collapsed to the mean fails here first. Floors are not
 * calibrated against the paper (its networks are far larger, its data KITTI); the table of every attack, mode and
 * transfer is printed for the README.
 */
class RealPairAttackTest {
    static NDManager manager;
    static StereoModel a;
    static StereoModel second;
    static StereoModel b;
    static final Map<String, StereoBatch> PAIRS = new LinkedHashMap<>();
    static final StringBuilder TABLE = new StringBuilder();

    static Path top() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p;
    }

    static StereoBatch pair(String left, String right, String gt) throws IOException {
        Path d = top().resolve("testdata/stereo");
        StereoPair p = new StereoPair(Images.read(d.resolve(left)).toGrey(), Images.read(d.resolve(right)).toGrey());
        return StereoBatch.of(p, Pfm.read(d.resolve(gt)));
    }

    @BeforeAll
    static void load() throws IOException {
        manager = LocalBackends.pytorchCpu("test").newManager();
        a = StereoModel.load(top().resolve("testdata/models/stereo-a"));
        second = StereoModel.load(top().resolve("testdata/models/stereo-a2"));
        b = StereoModel.load(top().resolve("testdata/models/stereo-b"));
        PAIRS.put("motorcycle", pair("motorcycle-left-quarter.png", "motorcycle-right-quarter.png", "motorcycle-disp-quarter.pfm"));
        PAIRS.put("aloe", pair("aloe-left-eighth.png", "aloe-right-eighth.png", "aloe-disp-eighth.pfm"));
        TABLE.append("| pair | net | attack | ε | mode | EPE (px) | D1 (%) | bad-1 (%) |\n|---|---|---|---|---|---|---|---|\n");
    }

    @AfterAll
    static void close() {
        manager.close();
        System.out.println("real pairs:\n" + TABLE);
    }

    static DisparityMetrics metrics(StereoModel net, StereoBatch input, StereoBatch truth) {
        return DisparityMetrics.of(Passes.predict(net, input, manager), truth.disparity(), 1);
    }

    static void row(String pair, String net, String attack, double eps, String mode, DisparityMetrics m) {
        TABLE.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.3f | %.2f | %.2f |%n", pair, net, attack,
                eps == 0 ? "" : Double.toString(eps), mode, m.epe(), m.d1(), m.bad1()));
    }

    /** @return the EPE of predicting the median valid disparity everywhere */
    static double constantMedianEpe(StereoBatch p) {
        float[] t = p.disparity();
        double[] v = new double[t.length];
        int n = 0;
        for (float x : t) {
            if (!Float.isNaN(x)) {
                v[n++] = x;
            }
        }
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        float[] constant = new float[t.length];
        Arrays.fill(constant, (float) s[n / 2]);
        return DisparityMetrics.of(constant, t, 1).epe();
    }

    static StereoBatch attacked(StereoModel net, StereoBatch p, AttackSpec spec) {
        return Attacks.run(net, p, p.disparity(), spec, manager, Progress.NONE).perturbed();
    }

    /** A second network's EPE: clean, on A's FGSM(0.02) pair, on A's uniform-noise pair, under its own FGSM(0.02). */
    record Transfer(DisparityMetrics clean, DisparityMetrics fromA, DisparityMetrics noise, DisparityMetrics own) {
    }

    static Transfer transfer(String pair, String label, StereoModel net, StereoBatch p, StereoBatch fgsmFromA,
            StereoBatch uniformFromA, DisparityMetrics clean) {
        Transfer t = new Transfer(clean, metrics(net, fgsmFromA, p), metrics(net, uniformFromA, p),
                metrics(net, attacked(net, p, AttackSpec.of("fgsm", 0.02)), p));
        row(pair, label, "clean", 0, "", clean);
        row(pair, label, "fgsm from A (transfer)", 0.02, "both", t.fromA());
        row(pair, label, "uniform from A", 0.02, "both", t.noise());
        row(pair, label, "fgsm (its own)", 0.02, "both", t.own());
        return t;
    }

    @ParameterizedTest
    @ValueSource(strings = {"motorcycle", "aloe"})
    void attacksBreakNetworksTrainedOnSyntheticScenesOnARealPair(String name) {
        StereoBatch p = PAIRS.get(name);
        double median = constantMedianEpe(p);
        DisparityMetrics cleanA = metrics(a, p, p);
        DisparityMetrics cleanB = metrics(second, p, p);
        row(name, "A", "clean", 0, "", cleanA);
        // a constant median scores 3.70 px on Motorcycle and 2.64 on Aloe (most of that scene sits at 6-8 px)
        double floor = 2.0 / 3;
        String gate = name + ": clean EPE A " + cleanA.epe() + ", A2 " + cleanB.epe() + " vs " + floor
                + " x a constant median's " + median;
        assertTrue(cleanA.epe() <= floor * median && cleanB.epe() <= floor * median, gate);

        double previous = cleanA.epe();
        double fgsm = 0;
        StereoBatch fgsmPair = null;
        for (double e : new double[] {0.002, 0.005, 0.01, 0.02}) {
            fgsmPair = Attacks.run(a, p, p.disparity(), AttackSpec.of("fgsm", e), manager, Progress.NONE).perturbed();
            DisparityMetrics m = metrics(a, fgsmPair, p);
            row(name, "A", "fgsm", e, "both", m);
            fgsm = m.epe();
            assertTrue(fgsm > previous, name + ": FGSM EPE does not rise with ε: " + fgsm + " after " + previous);
            previous = fgsm;
        }
        StereoBatch uniformPair = attacked(a, p, AttackSpec.of("uniform", 0.02));
        DisparityMetrics uniform = metrics(a, uniformPair, p);
        row(name, "A", "uniform", 0.02, "both", uniform);
        DisparityMetrics gaussian = metrics(a, Attacks.run(a, p, p.disparity(), AttackSpec.of("gaussian", 0.02), manager,
                Progress.NONE).perturbed(), p);
        row(name, "A", "gaussian", 0.02, "both", gaussian);
        assertTrue(fgsm >= 1.5 * cleanA.epe(), name + ": FGSM(0.02) " + fgsm + " < 1.5 x clean " + cleanA.epe());
        assertTrue(fgsm > uniform.epe(), name + ": FGSM(0.02) " + fgsm + " <= uniform noise " + uniform.epe());

        AttackSpec it = AttackSpec.of("ifgsm", 0.02);
        DisparityMetrics iterative = metrics(a, Attacks.run(a, p, p.disparity(), it, manager, Progress.NONE).perturbed(), p);
        row(name, "A", "ifgsm (40 steps)", 0.02, "both", iterative);
        double ifgsm = iterative.epe();
        assertTrue(ifgsm >= fgsm, name + ": I-FGSM " + ifgsm + " < FGSM " + fgsm);
        for (AttackSpec.Target t : new AttackSpec.Target[] {AttackSpec.Target.LEFT, AttackSpec.Target.RIGHT}) {
            row(name, "A", "fgsm", 0.02, t.name().toLowerCase(Locale.ROOT), metrics(a, Attacks.run(a, p, p.disparity(),
                    AttackSpec.of("fgsm", 0.02).withTarget(t), manager, Progress.NONE).perturbed(), p));
        }

        Transfer toA2 = transfer(name, "A2", second, p, fgsmPair, uniformPair, cleanB);
        Transfer toB = transfer(name, "B", b, p, fgsmPair, uniformPair, metrics(b, p, p));
        assertTrue(toB.clean().epe() <= floor * median, name + ": net B's clean EPE " + toB.clean().epe() + " vs "
                + floor
                + " x a constant median's " + median);
        assertTrue(toB.own().epe() >= 1.5 * toB.clean().epe(), name + ": B's own FGSM " + toB.own().epe() + " vs clean "
                + toB.clean().epe());
        assertTrue(toB.fromA().epe() > toB.noise().epe(), name + ": A's FGSM on B " + toB.fromA().epe()
                + " <= uniform noise on B " + toB.noise().epe());
        assertTrue(toA2.own().epe() >= 1.5 * cleanB.epe(), name + ": A2's own FGSM " + toA2.own().epe() + " vs clean "
                + cleanB.epe());
        assertTrue(toA2.fromA().epe() - cleanB.epe() > 2 * (toA2.noise().epe() - cleanB.epe()), name + ": A's FGSM on A2 "
                + toA2.fromA().epe() + " vs uniform noise on A2 " + toA2.noise().epe() + " (clean " + cleanB.epe() + ")");
    }
}
