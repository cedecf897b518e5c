package org.modelkit.perturber.stereo.internal;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.modelkit.api.perturb.AttackSpec;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.Images;
import org.modelkit.io.Json;

/**
 * The Java half of benchmarks/stereo/run: trains nets A and B on random-dot stereo (800 steps, seeds 1 and 2), saves
 * them, and writes for benchmarks/stereo/peer.py the 32 test pairs, each net's clean disparity, its input
 * gradients, and FGSM(0.02) and I-FGSM(0.02, 20 steps, α = ε/8) results; then times one I-FGSM step of net A on
 * Motorcycle at quarter size (186×125, grey). Usage: {@code StereoPeer DIR} or {@code StereoPeer DIR timing OUT.json}
 * (only the timing, with the nets DIR holds).
 */
public final class StereoPeer {
    /** I-FGSM runs of 10 steps before the timed ones. */
    private static final int WARM_UP = Integer.getInteger("modelkit.bench.warmup", 10);

    private StereoPeer() {
    }

    static void raw(Path p, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        Files.write(p, b.array());
    }

    /** @param args the output folder */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        boolean timingOnly = args.length > 1 && args[1].equals("timing");
        Files.createDirectories(dir);
        Map<String, Object> out = new LinkedHashMap<>();
        try (NDManager m = LocalBackends.pytorchCpu("bench").newManager()) {
            if (!timingOnly) {
                nets(dir, m, out);
            }
            timing(dir, m, out);
        }
        Json.write(timingOnly ? Path.of(args[2]) : dir.resolve("modelkit.json"), out);
        System.out.println(Json.toJson(out));
    }

    private static void nets(Path dir, NDManager m, Map<String, Object> out) throws IOException {
            StereoBatch test = RandomDot.generate(32, 99);
            raw(dir.resolve("left.bin"), test.left());
            raw(dir.resolve("right.bin"), test.right());
            raw(dir.resolve("gt.bin"), test.disparity());
            for (String arch : new String[] {"A", "B"}) {
                long seed = arch.equals("A") ? 1 : 2;
                StereoModel model = StereoModel.initial(StereoSpec.of(arch, 1, RandomDot.MAX_DISPARITY), seed);
                long t0 = System.nanoTime();
                StereoTraining.train(model, s -> RandomDot.generate(8, seed * 1_000_003L + s),
                        new StereoTraining.Options(800, 2e-3, 0), m, Progress.NONE);
                double train = (System.nanoTime() - t0) / 1e9;
                model.save(dir.resolve("net-" + arch));
                float[] clean = Passes.predict(model, test, m);
                raw(dir.resolve(arch + "-clean.bin"), clean);
                Passes.InputGradient g = Passes.inputGradient(model, test, test.disparity(), null, m);
                raw(dir.resolve(arch + "-grad-left.bin"), g.left());
                raw(dir.resolve(arch + "-grad-right.bin"), g.right());
                Attacks.Outcome f = Attacks.run(model, test, test.disparity(), AttackSpec.of("fgsm", 0.02), m, Progress.NONE);
                raw(dir.resolve(arch + "-fgsm-left.bin"), f.perturbed().left());
                AttackSpec it = new AttackSpec("ifgsm", 0.02, 20, 0.02 / 8, 0.47, AttackSpec.Target.BOTH, 0, 1);
                Attacks.Outcome i = Attacks.run(model, test, test.disparity(), it, m, Progress.NONE);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("train_seconds", train);
                r.put("clean_epe", DisparityMetrics.of(clean, test.disparity(), 32).epe());
                r.put("fgsm_epe", DisparityMetrics.of(Passes.predict(model, f.perturbed(), m), test.disparity(), 32).epe());
                r.put("ifgsm_epe", DisparityMetrics.of(Passes.predict(model, i.perturbed(), m), test.disparity(), 32).epe());
                out.put(arch, r);
                System.err.printf(Locale.ROOT, "net %s: %.0f s training, %s%n", arch, train, r);
            }
    }

    private static void timing(Path dir, NDManager m, Map<String, Object> out) throws IOException {
            // one I-FGSM step (a gradient pass and the update) of net A on Motorcycle, quarter size, grey
            Path data = Path.of("testdata/stereo");
            StereoBatch moto = StereoBatch.of(new org.modelkit.api.data.StereoPair(
                    Images.read(data.resolve("motorcycle-left-quarter.png")).toGrey(),
                    Images.read(data.resolve("motorcycle-right-quarter.png")).toGrey()), null);
            raw(dir.resolve("moto-left.bin"), moto.left());
            raw(dir.resolve("moto-right.bin"), moto.right());
            StereoModel a = StereoModel.load(dir.resolve("net-A"));
            float[] target = Passes.predict(a, moto, m);
            AttackSpec step = new AttackSpec("ifgsm", 0.02, 10, 2e-3, 0.47, AttackSpec.Target.BOTH, 0, 1);
            // warm-up: the JIT compiles DJL's wrappers and the attack's Java side over the first few hundred steps; with
            // one warm-up run a fresh JVM measured a step at 60 or 85 ms (one thread), run to run
            for (int k = 0; k < WARM_UP; k++) {
                Attacks.run(a, moto, target, step, m, Progress.NONE);
            }
            double[] ms = new double[9];
            for (int k = 0; k < ms.length; k++) {
                long t0 = System.nanoTime();
                Attacks.run(a, moto, target, step, m, Progress.NONE);
                ms[k] = (System.nanoTime() - t0) / 1e6 / step.steps();
            }
            java.util.Arrays.sort(ms);
            out.put("ifgsm_step_ms_motorcycle", ms[ms.length / 2]);
            out.put("ifgsm_step_ms_motorcycle_all", ms);
            out.put("width", moto.width());
            out.put("height", moto.height());
    }
}
