package org.modelkit.segmenter.motion.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.modelkit.api.data.Flow;
import org.modelkit.api.data.Frame;
import org.modelkit.io.Flo;
import org.modelkit.io.Images;
import org.modelkit.io.Json;

/**
 * The flow side of benchmarks/segment/run: writes disk sequences cropped to 192×144 (frames as PNG, exact flow as
 * .flo) for the OpenCV peer, and measures BoofCV's Brox, Horn-Schunck and dense KLT on them: mean end-point error
 * over the pixels at least 3 px from the border, over all pixels, and inside the disk, and milliseconds per pair
 * (median, after one warm-up pass). Usage: FlowPeer DIR
 */
public final class FlowPeer {
    static final int W = 192;
    static final int H = 144;

    private FlowPeer() {
    }

    static float[] crop(float[] square, int size) {
        float[] out = new float[W * H];
        for (int y = 0; y < H; y++) {
            System.arraycopy(square, y * size, out, y * W, W);
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        List<Frame[]> pairs = new ArrayList<>();
        List<Flow> truth = new ArrayList<>();
        List<boolean[]> masks = new ArrayList<>();
        int k = 0;
        for (long seed = 1; seed <= 4; seed++) {
            Disks.Sequence s = Disks.sequence(192, 10, seed);
            for (int t = 0; t + 1 < 10; t++) {
                Frame a = new Frame(W, H, 1, crop(s.frames()[t], 192));
                Frame b = new Frame(W, H, 1, crop(s.frames()[t + 1], 192));
                Flow f = new Flow(W, H, crop(s.flows()[t].u(), 192), crop(s.flows()[t].v(), 192));
                boolean[] m = new boolean[W * H];
                for (int y = 0; y < H; y++) {
                    System.arraycopy(s.masks()[t], y * 192, m, y * W, W);
                }
                String name = String.format(Locale.ROOT, "%03d", k++);
                Images.write(dir.resolve(name + "-a.png"), a);
                Images.write(dir.resolve(name + "-b.png"), b);
                Flo.write(dir.resolve(name + ".flo"), f);
                Images.writeMask(dir.resolve(name + "-mask.png"), new org.modelkit.api.data.Mask(W, H, m));
                pairs.add(new Frame[] {a, b});
                truth.add(f);
                masks.add(m);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pairs", pairs.size());
        for (Flows.Method method : Flows.Method.values()) {
            for (Frame[] p : pairs.subList(0, 3)) {
                Flows.estimate(p[0], p[1], method); // warm-up
            }
            double[] ms = new double[pairs.size()];
            double inner = 0;
            double all = 0;
            double object = 0;
            for (int i = 0; i < pairs.size(); i++) {
                long t0 = System.nanoTime();
                Flow f = Flows.estimate(pairs.get(i)[0], pairs.get(i)[1], method);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                double[] e = epe(f, truth.get(i), masks.get(i));
                inner += e[0] / pairs.size();
                all += e[1] / pairs.size();
                object += e[2] / pairs.size();
            }
            Arrays.sort(ms);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epe_inner", inner);
            m.put("epe_all", all);
            m.put("epe_object", object);
            m.put("ms_per_pair", ms[ms.length / 2]);
            out.put(method.label(), m);
            System.err.printf(Locale.ROOT, "%s: EPE %.3f (inner), %.3f (all), %.3f (disk); %.1f ms per pair%n", method.label(),
                    inner, all, object, ms[ms.length / 2]);
        }
        Json.write(dir.resolve("boofcv.json"), out);
    }

    /** @return {mean EPE at least 3 px from the border, over all pixels, inside the mask}; unknown vectors count as 0 */
    static double[] epe(Flow f, Flow t, boolean[] mask) {
        float[] u = f.u();
        float[] v = f.v();
        float[] tu = t.u();
        float[] tv = t.v();
        double inner = 0;
        double all = 0;
        double obj = 0;
        int ni = 0;
        int no = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int i = y * W + x;
                double eu = Float.isNaN(u[i]) ? 0 : u[i];
                double ev = Float.isNaN(v[i]) ? 0 : v[i];
                double e = Math.hypot(eu - tu[i], ev - tv[i]);
                all += e;
                if (x >= 3 && y >= 3 && x < W - 3 && y < H - 3) {
                    inner += e;
                    ni++;
                }
                if (mask[i]) {
                    obj += e;
                    no++;
                }
            }
        }
        return new double[] {inner / ni, all / (W * H), no == 0 ? 0 : obj / no};
    }
}
