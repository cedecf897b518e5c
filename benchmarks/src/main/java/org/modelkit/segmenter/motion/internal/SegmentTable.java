package org.modelkit.segmenter.motion.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.modelkit.api.data.Flow;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.segment.BootstrapRequest;
import org.modelkit.api.segment.BootstrapResult;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.Images;

/**
 * The J table of benchmarks/segment/run (not in CI): on disk sequences with static frames, Fashion-MNIST sprites
 * and the committed 40 vtest frames, the mean Jaccard index of the flow-magnitude baseline, fixed CIS, learned CIS
 * and DyStaB's rounds 1-3 (dynamic and static masks), all on BoofCV Brox flow. Usage: SegmentTable TESTDATA OUT.md
 */
public final class SegmentTable {
    private SegmentTable() {
    }

    /** One data set: sequences, their masks, and the dynamic step's settings. */
    record Data(String name, List<List<Frame>> frames, List<List<Mask>> masks, MotionSegmenter.Settings settings) {
    }

    static List<Frame> frames(Disks.Sequence s) {
        List<Frame> out = new ArrayList<>();
        for (float[] f : s.frames()) {
            out.add(new Frame(s.size(), s.size(), 1, f));
        }
        return out;
    }

    static List<Mask> masks(Disks.Sequence s) {
        List<Mask> out = new ArrayList<>();
        for (boolean[] m : s.masks()) {
            out.add(new Mask(s.size(), s.size(), m));
        }
        return out;
    }

    static double meanJ(List<List<Mask>> got, List<List<Mask>> truth) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < got.size(); i++) {
            for (int t = 0; t < got.get(i).size(); t++) {
                sum += got.get(i).get(t).jaccard(truth.get(i).get(t));
                n++;
            }
        }
        return sum / n;
    }

    public static void main(String[] args) throws IOException {
        Path testdata = Path.of(args[0]);
        Path out = Path.of(args[1]);
        TensorBackend backend = LocalBackends.pytorchCpu("bench");
        MotionSegmenter.Settings base = new MotionSegmenter.Settings(Flows.Method.BROX, 1, 64, 0,
                new FixedCis.Settings(1, 75, 200, 2, 0.1, 0.6, 1, 8, 0));
        List<Data> data = new ArrayList<>();
        List<List<Frame>> f = new ArrayList<>();
        List<List<Mask>> m = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Disks.Sequence s = Disks.sequence(64, 12, 40 + i, 4);
            f.add(frames(s));
            m.add(masks(s));
        }
        data.add(new Data("disks, 4 x 12 frames at 64x64 (the last 4 of each static)", f, m, base));
        f = new ArrayList<>();
        m = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Disks.Sequence s = FashionSprites.sequence(64, 10, 5 + i, testdata.resolve(
                    "fashion-mnist/train-2000-images-idx3-ubyte.gz"), testdata.resolve("stereo/texture-brick.png"));
            f.add(frames(s));
            m.add(masks(s));
        }
        data.add(new Data("Fashion-MNIST sprites over brick, 4 x 10 frames at 64x64", f, m, base));
        List<Frame> vt = Images.readFrames(testdata.resolve("frames/vtest-192/frames"));
        List<Mask> vm = new ArrayList<>();
        for (Frame g : Images.readFrames(testdata.resolve("frames/vtest-192/masks"))) {
            float[] p = g.toArray();
            boolean[] in = new boolean[p.length];
            for (int k = 0; k < p.length; k++) {
                in[k] = p[k] > 0.5f;
            }
            vm.add(new Mask(g.width(), g.height(), in));
        }
        data.add(new Data("vtest.avi frames 100-139 at 192x144, pseudo-masks (gap 2, eps 5)", List.of(vt), List.of(vm),
                base.with(Flows.Method.BROX, 2).withEpsilon(5)));
        Map<String, Map<String, String>> table = new LinkedHashMap<>();
        Map<String, String> seconds = new LinkedHashMap<>();
        for (Data d : data) {
            long t0 = System.nanoTime();
            List<MotionSegmenter.Flowed> flows = new ArrayList<>();
            for (List<Frame> seq : d.frames()) {
                flows.add(MotionSegmenter.flows(seq, d.settings(), Progress.NONE));
            }
            List<List<Mask>> baseline = new ArrayList<>();
            List<List<Mask>> fixed = new ArrayList<>();
            List<List<Mask>> learned = new ArrayList<>();
            for (int i = 0; i < d.frames().size(); i++) {
                List<Mask> b = new ArrayList<>();
                for (Flow fl : flows.get(i).flows()) {
                    float mu = Flows.median(fl.u(), fl.u().length);
                    float mv = Flows.median(fl.v(), fl.v().length);
                    boolean[] in = new boolean[fl.u().length];
                    for (int k = 0; k < in.length; k++) {
                        in[k] = Math.hypot(fl.u()[k] - mu, fl.v()[k] - mv) > 1;
                    }
                    b.add(new Mask(fl.width(), fl.height(), in));
                }
                baseline.add(b);
                fixed.add(MotionSegmenter.masks(backend, d.frames().get(i), flows.get(i), d.settings(), null, 0,
                        Progress.NONE, t0).masks());
                MotionSegmenter.Settings ls = new MotionSegmenter.Settings(d.settings().flow(), d.settings().gap(), 32,
                        d.settings().sigma(), d.settings().cis(), true, 200, 1e-4);
                learned.add(MotionSegmenter.masks(backend, d.frames().get(i), flows.get(i), ls, null, 0, Progress.NONE, t0)
                        .masks());
                System.err.printf(Locale.ROOT, "%s: sequence %d done (%.0f s)%n", d.name(), i, (System.nanoTime() - t0) / 1e9);
            }
            put(table, "flow-magnitude baseline (\\|u - median u\\| > 1 px)", d.name(), meanJ(baseline, d.masks()));
            put(table, "CIS, fixed inpainter (the default)", d.name(), meanJ(fixed, d.masks()));
            put(table, "CIS, learned (200 cycles, working size 32, Adam 1e-4)", d.name(), meanJ(learned, d.masks()));
            Path model = Files.createTempDirectory("dystab").resolve("model");
            BootstrapResult r = Bootstrap.train(new BootstrapRequest(d.frames(), d.masks(), 3, 40, 1, model), d.settings(),
                    new Bootstrap.Settings(1, 1), backend, Progress.NONE).result();
            for (BootstrapResult.Round x : r.rounds()) {
                put(table, "DyStaB round " + x.round() + ": dynamic (with the static prior from round 2)", d.name(),
                        x.dynamicJ());
                put(table, "DyStaB round " + x.round() + ": static net, each frame on its own", d.name(), x.staticJ());
            }
            seconds.put(d.name(), String.format(Locale.ROOT, "%.0f", (System.nanoTime() - t0) / 1e9));
            System.err.printf(Locale.ROOT, "%s: %.0f s%n", d.name(), (System.nanoTime() - t0) / 1e9);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# Motion segmentation: mean J (benchmarks/segment/run)\n\n");
        sb.append("BoofCV Brox flow everywhere; J is the mean Jaccard index over every frame of a data set (sprites:"
                + " exact masks; vtest: median-background pseudo-masks). DyStaB trains on the data set's own sequences"
                + " (3 rounds, 40 epochs, lambda 1) and is scored on the same frames.\n\n| method |");
        for (Data d : data) {
            sb.append(' ').append(d.name()).append(" |");
        }
        sb.append("\n|---|");
        sb.append("---|".repeat(data.size()));
        sb.append('\n');
        for (Map.Entry<String, Map<String, String>> e : table.entrySet()) {
            sb.append("| ").append(e.getKey()).append(" |");
            for (Data d : data) {
                sb.append(' ').append(e.getValue().getOrDefault(d.name(), "")).append(" |");
            }
            sb.append('\n');
        }
        sb.append("| seconds (all rows) |");
        for (Data d : data) {
            sb.append(' ').append(seconds.get(d.name())).append(" |");
        }
        sb.append('\n');
        Files.writeString(out, sb.toString());
        System.out.print(sb);
    }

    private static void put(Map<String, Map<String, String>> table, String row, String column, double j) {
        table.computeIfAbsent(row, k -> new LinkedHashMap<>()).put(column, String.format(Locale.ROOT, "%.3f", j));
    }
}
