package org.modelkit.segmenter.motion.internal;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.modelkit.api.data.Flow;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;
import org.modelkit.api.method.Capability;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.segment.Segmentation;
import org.modelkit.api.segment.Segmenter;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.api.TensorMethod;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The segmenter "cis": BoofCV's optical flow between frames t and t + gap (t − gap for the last frames), then
 * contextual information separation with the fixed inpainter ({@link FixedCis}) on each frame's flow, optimised
 * at a working size on the bound {@link TensorBackend} (autograd) and scaled back to the frame.
 */
@Component(service = {Segmenter.class, Method.class}, configurationPid = MotionSegmenter.PID, immediate = true,
        property = Method.NAME_PROPERTY + "=" + MotionSegmenter.METHOD)
@Designate(ocd = SegmentConfig.class)
public class MotionSegmenter extends TensorMethod implements Segmenter {
    /** The configuration PID. */
    public static final String PID = "org.modelkit.segmenter.motion";
    /** The method's name. */
    public static final String METHOD = "cis";
    /** Frames optimised together (each with its starts). */
    private static final int CHUNK = 8;

    /**
     * The checked settings.
     *
     * @param flow     the flow method
     * @param gap      the frame gap
     * @param workSide the longest side of the optimisation
     * @param sigma    the inpainter's σ at the working size; 0: a tenth of its smaller side
     * @param cis      the objective's other settings (its σ and smoothing are set per working size)
     */
    record Settings(Flows.Method flow, int gap, int workSide, double sigma, FixedCis.Settings cis) {
        Settings {
            if (gap < 1) {
                throw new IllegalArgumentException("gap = " + gap + " must be at least 1");
            }
            if (workSide < 16 || workSide > 512) {
                throw new IllegalArgumentException("workSide = " + workSide + " must lie in [16, 512]");
            }
            if (!(sigma >= 0 && Double.isFinite(sigma))) {
                throw new IllegalArgumentException("sigma = " + sigma + " must be finite and >= 0 (0: automatic)");
            }
        }

        /** @return the same with another flow method and gap (a command's options) */
        Settings with(Flows.Method f, int g) {
            return new Settings(f, g, workSide, sigma, cis);
        }

        /** @return the same with another ε at the reference size (a command's option) */
        Settings withEpsilon(double epsilon) {
            return new Settings(flow, gap, workSide, sigma, new FixedCis.Settings(cis.sigma(), epsilon, cis.steps(), cis.rate(),
                    cis.threshold(), cis.border(), cis.seed(), cis.starts(), cis.smoothing()));
        }

        /** @return the objective's settings at a working size: σ as configured or a tenth of the smaller side, smoothing σ/2 */
        FixedCis.Settings at(int w, int h) {
            double sg = sigma > 0 ? sigma : Math.min(w, h) / 10.0;
            return new FixedCis.Settings(sg, cis.epsilon(), cis.steps(), cis.rate(), cis.threshold(), cis.border(), cis.seed(),
                    cis.starts(), sg / 2);
        }
    }

    private volatile Settings settings;

    /**
     * @param context for the bundle's version
     * @param config  the settings
     */
    @Activate
    public MotionSegmenter(BundleContext context, SegmentConfig config) {
        this(context.getBundle().getVersion().toString(), settings(config));
    }

    MotionSegmenter(String version, Settings settings) {
        super(new MethodDescriptor(METHOD, "the primary moving object by contextual information separation of BoofCV"
                + " optical flow (fixed inpainter)", "arXiv:2008.07012", version, Set.of(Capability.AUTOGRAD)));
        this.settings = settings;
    }

    /** Binds a backend outside a framework (unit tests). */
    void bind(TensorBackend b) {
        bindBackend(b);
    }

    /** A new configuration: checked first, so a bad one leaves the previous settings in force. */
    @Modified
    void modified(SegmentConfig c) {
        settings = settings(c);
    }

    /** @throws IllegalArgumentException naming the setting out of range */
    static Settings settings(SegmentConfig c) {
        FixedCis.Settings cis = new FixedCis.Settings(1, c.epsilon(), c.steps(), c.rate(), c.threshold(), c.border(),
                c.seed(), c.starts(), 0);
        return new Settings(Flows.Method.parse(c.flow()), c.gap(), c.workSide(), c.sigma(), cis);
    }

    /** @return the settings in force */
    Settings settings() {
        return settings;
    }

    @Override
    public Segmentation segment(List<Frame> frames, Progress progress) {
        Settings s = settings;
        return run(frames, s, progress).segmentation(s.flow());
    }

    /**
     * Everything one segmentation computed.
     *
     * @param masks    one per frame
     * @param flows    the flow of each frame (unknown and implausible vectors replaced)
     * @param loss     the objective at each frame's mask
     * @param flipped  masks complemented by the border rule
     * @param replaced flow vectors replaced
     * @param seconds  the time taken
     */
    record Run(List<Mask> masks, List<Flow> flows, double[] loss, int flipped, int replaced, double seconds) {
        Segmentation segmentation(Flows.Method flow) {
            Map<String, Double> d = new LinkedHashMap<>();
            double area = 0;
            for (Mask m : masks) {
                boolean[] a = m.toArray();
                int in = 0;
                for (boolean b : a) {
                    in += b ? 1 : 0;
                }
                area += (double) in / a.length / masks.size();
            }
            double loss = 0;
            for (double l : this.loss) {
                loss += l / this.loss.length;
            }
            d.put("cis.loss", loss);
            d.put("mask.area", area);
            d.put("border.flips", (double) flipped);
            d.put("flow.replaced", (double) replaced / ((double) masks.size() * masks.get(0).width() * masks.get(0).height()));
            d.put("flow.method." + flow.label(), 1.0);
            d.put("seconds", seconds);
            return new Segmentation(masks, d);
        }
    }

    /**
     * @throws IllegalArgumentException if there are fewer than two frames, they differ in size or channels, or the gap
     *                                  is not below the frame count
     */
    Run run(List<Frame> frames, Settings s, Progress progress) {
        long t0 = System.nanoTime();
        if (frames == null || frames.size() < 2) {
            throw new IllegalArgumentException("segmentation from motion needs at least two frames, got "
                    + (frames == null ? 0 : frames.size()));
        }
        Frame f0 = frames.get(0);
        for (int i = 1; i < frames.size(); i++) {
            if (!frames.get(i).sameSize(f0)) {
                throw new IllegalArgumentException("frame " + i + " is " + frames.get(i).width() + "x" + frames.get(i).height()
                        + "x" + frames.get(i).channels() + " but frame 0 is " + f0.width() + "x" + f0.height() + "x"
                        + f0.channels() + "; all frames must match");
            }
        }
        if (s.gap() >= frames.size()) {
            throw new IllegalArgumentException("gap " + s.gap() + " is not below the " + frames.size() + " frames");
        }
        TensorBackend backend = backend();
        int n = frames.size();
        int w = f0.width();
        int h = f0.height();
        List<Flow> flows = new ArrayList<>(n);
        int replaced = 0;
        for (int t = 0; t < n; t++) {
            progress.checkCancelled();
            int other = t + s.gap() < n ? t + s.gap() : t - s.gap();
            Flows.Filled f = Flows.filled(Flows.estimate(frames.get(t), frames.get(other), s.flow()));
            flows.add(f.flow());
            replaced += f.replaced();
            progress.report("flow", t + 1, n);
        }
        double scale = Math.min(1, (double) s.workSide() / Math.max(w, h));
        int ww = Math.max(4, (int) Math.round(w * scale));
        int hh = Math.max(4, (int) Math.round(h * scale));
        List<Flow> small = new ArrayList<>(n);
        for (Flow f : flows) {
            small.add(shrink(f, ww, hh));
        }
        FixedCis.Settings cis = s.at(ww, hh);
        FixedCis objective = new FixedCis(cis);
        List<Mask> masks = new ArrayList<>(n);
        double[] loss = new double[n];
        int flipped = 0;
        for (int c = 0; c < n; c += CHUNK) {
            progress.checkCancelled();
            List<Flow> part = small.subList(c, Math.min(n, c + CHUNK));
            FixedCis.Soft soft;
            try (NDManager m = backend.newManager()) {
                soft = objective.optimise(part, m);
            }
            for (int i = 0; i < part.size(); i++) {
                float[] chi = new float[ww * hh];
                System.arraycopy(soft.chi(), i * ww * hh, chi, 0, ww * hh);
                float[] full = resize(chi, ww, hh, w, h);
                boolean[] flip = new boolean[1];
                masks.add(new Mask(w, h, FixedCis.binarise(full, 0, w, h, cis.threshold(), cis.border(), flip)));
                flipped += flip[0] ? 1 : 0;
                loss[c + i] = soft.loss()[i];
            }
            progress.report("frames", Math.min(n, c + CHUNK), n);
        }
        return new Run(masks, flows, loss, flipped, replaced, (System.nanoTime() - t0) / 1e9);
    }

    /** @return the flow averaged over the cells of a ww×hh grid, its vectors scaled with the frame */
    static Flow shrink(Flow f, int ww, int hh) {
        int w = f.width();
        int h = f.height();
        if (ww == w && hh == h) {
            return f;
        }
        float[] u = f.u();
        float[] v = f.v();
        double[] su = new double[ww * hh];
        double[] sv = new double[ww * hh];
        int[] count = new int[ww * hh];
        for (int y = 0; y < h; y++) {
            int cy = Math.min(hh - 1, (int) ((y + 0.5) * hh / h));
            for (int x = 0; x < w; x++) {
                int cx = Math.min(ww - 1, (int) ((x + 0.5) * ww / w));
                int k = cy * ww + cx;
                su[k] += u[y * w + x];
                sv[k] += v[y * w + x];
                count[k]++;
            }
        }
        float[] ou = new float[ww * hh];
        float[] ov = new float[ww * hh];
        double sx = (double) ww / w;
        double sy = (double) hh / h;
        for (int k = 0; k < ou.length; k++) {
            ou[k] = count[k] == 0 ? 0 : (float) (su[k] / count[k] * sx);
            ov[k] = count[k] == 0 ? 0 : (float) (sv[k] / count[k] * sy);
        }
        return new Flow(ww, hh, ou, ov);
    }

    /** @return the map resized bilinearly, pixel centres aligned */
    static float[] resize(float[] src, int sw, int sh, int dw, int dh) {
        if (sw == dw && sh == dh) {
            return src.clone();
        }
        float[] out = new float[dw * dh];
        for (int y = 0; y < dh; y++) {
            double fy = Math.max(0, Math.min(sh - 1, (y + 0.5) * sh / dh - 0.5));
            int y0 = (int) Math.floor(fy);
            int y1 = Math.min(sh - 1, y0 + 1);
            double ay = fy - y0;
            for (int x = 0; x < dw; x++) {
                double fx = Math.max(0, Math.min(sw - 1, (x + 0.5) * sw / dw - 0.5));
                int x0 = (int) Math.floor(fx);
                int x1 = Math.min(sw - 1, x0 + 1);
                double ax = fx - x0;
                double top = (1 - ax) * src[y0 * sw + x0] + ax * src[y0 * sw + x1];
                double bottom = (1 - ax) * src[y1 * sw + x0] + ax * src[y1 * sw + x1];
                out[y * dw + x] = (float) ((1 - ay) * top + ay * bottom);
            }
        }
        return out;
    }
}
