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
     * @param learned  whether the learned mode (mask network against inpainter) replaces the fixed inpainter
     * @param cycles   the learned mode's training cycles
     * @param learnedRate the learned mode's Adam rate
     */
    record Settings(Flows.Method flow, int gap, int workSide, double sigma, FixedCis.Settings cis, boolean learned,
            int cycles, double learnedRate) {
        /** The fixed mode. */
        Settings(Flows.Method flow, int gap, int workSide, double sigma, FixedCis.Settings cis) {
            this(flow, gap, workSide, sigma, cis, false, 200, 1e-4);
        }

        Settings {
            if (cycles < 1) {
                throw new IllegalArgumentException("cycles = " + cycles + " must be at least 1");
            }
            if (!(learnedRate > 0 && Double.isFinite(learnedRate))) {
                throw new IllegalArgumentException("learnedRate = " + learnedRate + " must be finite and > 0");
            }
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
            return new Settings(f, g, workSide, sigma, cis, learned, cycles, learnedRate);
        }

        /** @return the same in the fixed or the learned mode (a command's option) */
        Settings learned(boolean l) {
            return new Settings(flow, gap, workSide, sigma, cis, l, cycles, learnedRate);
        }

        /** @return the learned mode's settings at this ε, threshold, border and seed; the reference clip and kick */
        LearnedCis.Settings learnedSettings() {
            return new LearnedCis.Settings(cycles, learnedRate, 0.2, 1e-5, 16, cis.epsilon(), cis.threshold(), cis.border(),
                    cis.seed());
        }

        /** @return the same with another ε at the reference size (a command's option) */
        Settings withEpsilon(double epsilon) {
            return new Settings(flow, gap, workSide, sigma, new FixedCis.Settings(cis.sigma(), epsilon, cis.steps(), cis.rate(),
                    cis.threshold(), cis.border(), cis.seed(), cis.starts(), cis.smoothing()), learned, cycles, learnedRate);
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
        return new Settings(Flows.Method.parse(c.flow()), c.gap(), c.workSide(), c.sigma(), cis, mode(c.mode()), c.cycles(),
                c.learnedRate());
    }

    /** @return whether the mode is "learned" */
    static boolean mode(String mode) {
        if (!"fixed".equals(mode) && !"learned".equals(mode)) {
            throw new IllegalArgumentException("mode '" + mode + "' is not one of fixed, learned");
        }
        return "learned".equals(mode);
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
     * @param kicks    the learned mode's kicked mask steps (0 in the fixed mode)
     */
    record Run(List<Mask> masks, List<Flow> flows, double[] loss, int flipped, int replaced, double seconds, int kicks) {
        Run(List<Mask> masks, List<Flow> flows, double[] loss, int flipped, int replaced, double seconds) {
            this(masks, flows, loss, flipped, replaced, seconds, 0);
        }

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
            d.put("learned.kicks", (double) kicks);
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
        return masks(backend(), frames, flows(frames, s, progress), s, null, 0, progress, t0);
    }

    /**
     * The flows of a sequence, unknown and implausible vectors replaced.
     *
     * @param flows    the flow of each frame: to frame t + gap, or from t − gap for the last frames
     * @param replaced the vectors replaced
     */
    record Flowed(List<Flow> flows, int replaced) {
    }

    /**
     * @throws IllegalArgumentException if there are fewer than two frames, they differ in size or channels, or the gap
     *                                  is not below the frame count
     */
    static Flowed flows(List<Frame> frames, Settings s, Progress progress) {
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
        int n = frames.size();
        // BoofCV's flow is single-threaded and each frame's is independent: the frames run in parallel on the common
        // pool (the 40 vtest frames' flow: 2 threads' worth here), each result in its place, so the outcome does not
        // depend on the order
        Flows.Filled[] each = new Flows.Filled[n];
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        java.util.stream.IntStream.range(0, n).parallel().forEach(t -> {
            progress.checkCancelled();
            int other = t + s.gap() < n ? t + s.gap() : t - s.gap();
            each[t] = Flows.filled(Flows.estimate(frames.get(t), frames.get(other), s.flow()));
            progress.report("flow", done.incrementAndGet(), n);
        });
        List<Flow> flows = new ArrayList<>(n);
        int replaced = 0;
        for (Flows.Filled f : each) {
            flows.add(f.flow());
            replaced += f.replaced();
        }
        return new Flowed(flows, replaced);
    }

    /**
     * The dynamic masks of a sequence's flows, optionally regularised by a static model's probabilities.
     *
     * @param frames the frames (for their size)
     * @param priors per frame the static model's probability of the object at each pixel of the frame, or null
     * @param lambda the prior's weight λ ≥ 0
     * @param t0     when the work started (System.nanoTime)
     */
    static Run masks(TensorBackend backend, List<Frame> frames, Flowed flowed, Settings s, List<float[]> priors,
            double lambda, Progress progress, long t0) {
        List<Flow> flows = flowed.flows();
        int n = flows.size();
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        double scale = Math.min(1, (double) s.workSide() / Math.max(w, h));
        int ww = Math.max(4, (int) Math.round(w * scale));
        int hh = Math.max(4, (int) Math.round(h * scale));
        List<Flow> small = new ArrayList<>(n);
        for (Flow f : flows) {
            small.add(shrink(f, ww, hh));
        }
        FixedCis.Settings cis = s.at(ww, hh);
        if (s.learned()) {
            return learned(backend, frames, flowed, small, s, ww, hh, progress, t0);
        }
        FixedCis objective = new FixedCis(cis);
        List<Mask> masks = new ArrayList<>(n);
        double[] loss = new double[n];
        int flipped = 0;
        for (int c = 0; c < n; c += CHUNK) {
            progress.checkCancelled();
            int end = Math.min(n, c + CHUNK);
            List<Flow> part = small.subList(c, end);
            float[] prior = null;
            if (priors != null) {
                prior = new float[part.size() * ww * hh];
                for (int i = c; i < end; i++) {
                    System.arraycopy(shrink(priors.get(i), w, h, ww, hh), 0, prior, (i - c) * ww * hh, ww * hh);
                }
            }
            FixedCis.Soft soft;
            try (NDManager m = backend.newManager()) {
                soft = objective.optimise(part, prior, lambda, m);
            }
            for (int i = 0; i < part.size(); i++) {
                float[] chi = new float[ww * hh];
                System.arraycopy(soft.chi(), i * ww * hh, chi, 0, ww * hh);
                float[] full = resize(chi, ww, hh, w, h);
                boolean[] flip = new boolean[1];
                // with a static prior χ is anchored to the object, so the border rule stays off
                masks.add(new Mask(w, h, FixedCis.binarise(full, 0, w, h, cis.threshold(), prior == null || lambda == 0
                        ? cis.border() : 1, flip)));
                flipped += flip[0] ? 1 : 0;
                loss[c + i] = soft.loss()[i];
            }
            progress.report("frames", end, n);
        }
        return new Run(masks, flows, loss, flipped, flowed.replaced(), (System.nanoTime() - t0) / 1e9);
    }

    /** The learned mode: both networks trained on the whole sequence at the working size, then each frame's χ. */
    private static Run learned(TensorBackend backend, List<Frame> frames, Flowed flowed, List<Flow> small, Settings s,
            int ww, int hh, Progress progress, long t0) {
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        List<float[]> images = new ArrayList<>();
        for (Frame f : frames) {
            images.add(shrink((f.channels() == 1 ? f : f.toGrey()).toArray(), w, h, ww, hh));
        }
        List<Mask> masks = new ArrayList<>();
        List<boolean[]> smallMasks = new ArrayList<>();
        int flipped = 0;
        double[] loss;
        int kicks;
        try (NDManager m = backend.newManager()) {
            LearnedCis.Outcome o = new LearnedCis(s.learnedSettings()).train(images, small, m, progress);
            kicks = o.kicks();
            for (int i = 0; i < frames.size(); i++) {
                float[] chi = java.util.Arrays.copyOfRange(o.chi(), i * ww * hh, (i + 1) * ww * hh);
                boolean[] flip = new boolean[1];
                boolean[] full = FixedCis.binarise(resize(chi, ww, hh, w, h), 0, w, h, s.cis().threshold(), s.cis().border(),
                        flip);
                masks.add(new Mask(w, h, full));
                smallMasks.add(FixedCis.binarise(chi, 0, ww, hh, s.cis().threshold(), s.cis().border(), null));
                flipped += flip[0] ? 1 : 0;
            }
            // each frame's figure: the fixed objective at its mask (the learned loss is one number for the sequence)
            loss = new FixedCis(s.at(ww, hh)).score(small, smallMasks, m);
        }
        return new Run(masks, flowed.flows(), loss, flipped, flowed.replaced(), (System.nanoTime() - t0) / 1e9, kicks);
    }

    /** @return the map averaged over the cells of a ww×hh grid */
    static float[] shrink(float[] map, int w, int h, int ww, int hh) {
        if (ww == w && hh == h) {
            return map;
        }
        double[] sum = new double[ww * hh];
        int[] count = new int[ww * hh];
        for (int y = 0; y < h; y++) {
            int cy = Math.min(hh - 1, (int) ((y + 0.5) * hh / h));
            for (int x = 0; x < w; x++) {
                int cx = Math.min(ww - 1, (int) ((x + 0.5) * ww / w));
                sum[cy * ww + cx] += map[y * w + x];
                count[cy * ww + cx]++;
            }
        }
        float[] out = new float[ww * hh];
        for (int k = 0; k < out.length; k++) {
            out[k] = count[k] == 0 ? 0 : (float) (sum[k] / count[k]);
        }
        return out;
    }

    /** @return the flow averaged over the cells of a ww×hh grid, its vectors scaled with the frame */
    static Flow shrink(Flow f, int ww, int hh) {
        int w = f.width();
        int h = f.height();
        if (ww == w && hh == h) {
            return f;
        }
        float[] u = shrink(f.u(), w, h, ww, hh);
        float[] v = shrink(f.v(), w, h, ww, hh);
        float sx = (float) ww / w;
        float sy = (float) hh / h;
        for (int k = 0; k < u.length; k++) {
            u[k] *= sx;
            v[k] *= sy;
        }
        return new Flow(ww, hh, u, v);
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
