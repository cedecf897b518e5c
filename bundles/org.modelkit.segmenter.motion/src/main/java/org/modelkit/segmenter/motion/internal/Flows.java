package org.modelkit.segmenter.motion.internal;

import boofcv.abst.flow.DenseOpticalFlow;
import boofcv.factory.flow.FactoryDenseOpticalFlow;
import boofcv.struct.flow.ImageFlow;
import boofcv.struct.image.GrayF32;
import java.util.Locale;
import org.modelkit.api.data.Flow;
import org.modelkit.api.data.Frame;

/**
 * Dense optical flow from BoofCV (Apache-2.0): Brox et al.'s warping method (the default), Horn-Schunck, or dense
 * KLT. Grey levels are scaled to 0-255, the range BoofCV's default settings are tuned for. A BoofCV flow object
 * is not thread-safe, so each call makes its own.
 */
final class Flows {
    /** The flow methods offered. */
    enum Method {
        BROX, HS, KLT;

        /** @throws IllegalArgumentException naming the choices */
        static Method parse(String name) {
            for (Method m : values()) {
                if (m.name().equalsIgnoreCase(name.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("flow method '" + name + "' is not one of brox, hs, klt");
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Flows() {
    }

    /**
     * @param first  the earlier frame (colour frames are made grey)
     * @param second the later frame, of the same size
     * @param method the flow method
     * @return the flow from first to second; pixels BoofCV marks invalid are unknown (NaN)
     * @throws IllegalArgumentException if the frames differ in size
     */
    static Flow estimate(Frame first, Frame second, Method method) {
        if (first.width() != second.width() || first.height() != second.height()) {
            throw new IllegalArgumentException("frames of " + first.width() + "x" + first.height() + " and "
                    + second.width() + "x" + second.height() + " pixels: a flow needs two frames of one size");
        }
        int w = first.width();
        int h = first.height();
        GrayF32 a = grey(first);
        GrayF32 b = grey(second);
        DenseOpticalFlow<GrayF32> flow = switch (method) {
            case BROX -> FactoryDenseOpticalFlow.broxWarping(brox(w, h), GrayF32.class);
            case HS -> FactoryDenseOpticalFlow.hornSchunck(null, GrayF32.class);
            case KLT -> FactoryDenseOpticalFlow.flowKlt(null, 6, GrayF32.class, null);
        };
        ImageFlow out = new ImageFlow(w, h);
        flow.process(a, b, out);
        float[] u = new float[w * h];
        float[] v = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                ImageFlow.D d = out.get(x, y);
                boolean ok = d.isValid() && Float.isFinite(d.x) && Float.isFinite(d.y);
                u[y * w + x] = ok ? d.x : Float.NaN;
                v[y * w + x] = ok ? d.y : Float.NaN;
            }
        }
        return new Flow(w, h, u, v);
    }

    /** The smaller side from which the tuned Brox settings apply. */
    static final int TUNED_FROM = 96;

    /**
     * BoofCV's Brox settings for a frame size. From a smaller side of {@value #TUNED_FROM} px: pyramid scale 0.5,
     * 5 outer and at most 20 SOR iterations (measured on the benchmark's 36 sprite pairs at 192×144: EPE 1.142 ->
     * 0.873 px, 413 -> 84 ms per pair); below, BoofCV's defaults (pyramid scale 0.75, 10 outer, 100 SOR), because the
     * tuned pyramid is too coarse for 32×32 frames (CIS on the test's 16 disks J 0.550 -> 0.464).
     *
     * @return null for BoofCV's defaults
     */
    static boofcv.alg.flow.ConfigBroxWarping brox(int w, int h) {
        if (Math.min(w, h) < TUNED_FROM) {
            return null;
        }
        boofcv.alg.flow.ConfigBroxWarping c = new boofcv.alg.flow.ConfigBroxWarping();
        c.pyrScale = 0.5;
        c.numOuter = 5;
        c.maxIterationsSor = 20;
        return c;
    }

    /**
     * A flow ready for the CIS objective, which needs a vector at every pixel.
     *
     * @param flow    unknown vectors and implausible ones replaced by the median of the others
     * @param replaced how many were replaced
     */
    record Filled(Flow flow, int replaced) {
    }

    /**
     * Replaces unknown vectors, and vectors longer than a quarter of the frame's smaller side (BoofCV's Brox put
     * 70 px vectors into a 32×32 frame of 2 px motion, which the objective, unbounded below, then isolated), by
     * the median of the remaining ones; if none remain, by zero.
     */
    static Filled filled(Flow f) {
        int w = f.width();
        int h = f.height();
        double limit = 0.25 * Math.min(w, h);
        float[] u = f.u();
        float[] v = f.v();
        boolean[] bad = new boolean[u.length];
        float[] ku = new float[u.length];
        float[] kv = new float[u.length];
        int k = 0;
        for (int i = 0; i < u.length; i++) {
            bad[i] = Float.isNaN(u[i]) || Math.hypot(u[i], v[i]) > limit;
            if (!bad[i]) {
                ku[k] = u[i];
                kv[k] = v[i];
                k++;
            }
        }
        float mu = median(ku, k);
        float mv = median(kv, k);
        int replaced = 0;
        for (int i = 0; i < u.length; i++) {
            if (bad[i]) {
                u[i] = mu;
                v[i] = mv;
                replaced++;
            }
        }
        return new Filled(new Flow(w, h, u, v), replaced);
    }

    /** @return the median of the first n values (the upper one of an even count), 0 for none */
    static float median(float[] a, int n) {
        if (n == 0) {
            return 0;
        }
        float[] c = java.util.Arrays.copyOf(a, n);
        java.util.Arrays.sort(c);
        return c[n / 2];
    }

    private static GrayF32 grey(Frame f) {
        Frame g = f.channels() == 1 ? f : f.toGrey();
        float[] p = g.toArray();
        GrayF32 out = new GrayF32(g.width(), g.height());
        for (int i = 0; i < p.length; i++) {
            out.data[i] = 255 * p[i];
        }
        return out;
    }
}
