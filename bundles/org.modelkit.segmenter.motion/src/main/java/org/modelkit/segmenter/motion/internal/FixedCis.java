package org.modelkit.segmenter.motion.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.SplittableRandom;
import org.modelkit.api.data.Flow;
import org.modelkit.nn.GradientGuard;
import org.modelkit.nn.Scalars;

/**
 * Contextual information separation (CIS, the objective DyStaB's dynamic model minimises; methods notes §5.2) with
 * the notes' fixed inpainter (§5.5): the flow inside a soft mask χ is predicted from the flow outside it by
 * normalised Gaussian convolution, {@code ψ = G_σ*(u(1−χ)) / G_σ*(1−χ)}, and from the image alone by the frame's
 * mean flow. With the Charbonnier penalty ρ(r) = (r² + 0.001²)^½ per flow channel,
 * <pre>
 *   E_ctx(χ) = Σ χ·ρ(u − ψ(χ)),   E_img(χ) = Σ χ·ρ(u − ū),
 *   L(χ) = [1 − E_ctx(χ)/(E_img(χ) + ε)] + [1 − E_ctx(1−χ)/(E_img(1−χ) + ε)],
 * </pre>
 * low when the context cannot predict the inside any better than the image alone, in both directions: when χ is
 * an independently moving region. Each frame's mask logits (2 channels; χ = channel 0 of softmax(logits/10)) are
 * optimised by Adam; χ &gt; threshold is the mask, complemented when it covers more than the border fraction of the
 * 2-pixel image border (the mask of the background).
 *
 * <p>The Gaussian is applied as two matrix products ({@code K_h · x · K_wᵀ}, dense, never truncated, so the
 * denominator stays positive), not as a libtorch convolution: matrix products are what every engine does well,
 * and oneDNN's convolution backward is the kernel with the NaN faults on this CPU (root README, Known issues).
 */
final class FixedCis {
    /** The Charbonnier constant, squared. */
    private static final double RHO_EPS2 = 1e-6;
    /** The reference ε = 75 holds for 192×384 frames with the flow divided by 80. */
    static final double REFERENCE_EPSILON = 75;
    /** The standard deviation of the initial logits: χ starts between about 0.05 and 0.95 (logits/10). */
    private static final double INIT_SCALE = 30;

    /**
     * @param sigma     the inpainter's Gaussian, in pixels
     * @param epsilon   ε at the reference size and flow scale (75); {@link #epsilon(int, int)} rescales it
     * @param steps     Adam steps per frame
     * @param rate      Adam's step size on the logits
     * @param threshold χ above it is the mask
     * @param border    the fraction of the 2-pixel border a mask may cover before it is complemented
     * @param seed      the logits' initialisation
     * @param starts    optimisations per frame from different initial logits; the lowest loss wins
     * @param smoothing the logits are a free map blurred by a normalised Gaussian of this σ in pixels (0: per-pixel)
     */
    record Settings(double sigma, double epsilon, int steps, double rate, double threshold, double border, long seed,
            int starts, double smoothing) {
        Settings {
            if (starts < 1) {
                throw new IllegalArgumentException("starts = " + starts + " must be at least 1");
            }
            if (!(smoothing >= 0 && Double.isFinite(smoothing))) {
                throw new IllegalArgumentException("smoothing = " + smoothing + " must be finite and >= 0");
            }
            if (!(sigma > 0 && Double.isFinite(sigma))) {
                throw new IllegalArgumentException("sigma = " + sigma + " must be finite and > 0");
            }
            if (!(epsilon > 0 && Double.isFinite(epsilon))) {
                throw new IllegalArgumentException("epsilon = " + epsilon + " must be finite and > 0");
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps = " + steps + " must be at least 1");
            }
            if (!(rate > 0 && Double.isFinite(rate))) {
                throw new IllegalArgumentException("rate = " + rate + " must be finite and > 0");
            }
            if (!(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("threshold = " + threshold + " must lie in (0, 1)");
            }
            if (!(border > 0 && border <= 1)) {
                throw new IllegalArgumentException("border fraction = " + border + " must lie in (0, 1]");
            }
        }

        /**
         * The defaults: σ 3 px, ε 75, 200 Adam steps at 2, threshold 0.1, border 0.6, seed 1, 8 starts, smoothing
         * 1.5 px. Measured on 24 disk frames (FixedCisTest): per-pixel logits from per-pixel noise at rate 0.5 found
         * the disk in few frames (mean J 0.26 on moving frames; the partitions settle as half planes whose loss is
         * far above the true mask's), smoothed logits from smooth noise 0.55, and 8 starts at rate 2 0.99.
         */
        static Settings defaults() {
            return new Settings(3, REFERENCE_EPSILON, 200, 2, 0.1, 0.6, 1, 8, 1.5);
        }

        /** @return ε for frames of this size with the flow in pixels: 75 · 80 · (h·w)/(192·384) for the reference */
        double epsilon(int height, int width) {
            return epsilon * 80 * ((double) height * width) / (192.0 * 384.0);
        }
    }

    private final Settings settings;

    FixedCis(Settings settings) {
        this.settings = settings;
    }

    /** @return the n×n matrix of exp(−(i−j)²/2σ²) */
    static float[] gaussian(int n, double sigma) {
        float[] k = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                k[i * n + j] = (float) Math.exp(-(double) (i - j) * (i - j) / (2 * sigma * sigma));
            }
        }
        return k;
    }

    /**
     * The loss of each frame.
     *
     * @param flow  [B, 2, H, W]
     * @param chi   [B, H, W], soft or hard masks
     * @param kh    [H, H] Gaussian
     * @param kwT   [W, W] Gaussian (symmetric)
     * @param eps   ε at this size
     * @return [B]
     */
    static NDArray loss(NDArray flow, NDArray chi, NDArray kh, NDArray kwT, double eps) {
        NDArray mean = flow.mean(new int[] {3}, true).mean(new int[] {2}, true);
        NDArray img = flow.sub(mean).square().add(RHO_EPS2).sqrt(); // ρ(u − ū), [B, 2, H, W]
        NDArray rest = chi.neg().add(1);
        return term(flow, chi, img, kh, kwT, eps).add(term(flow, rest, img, kh, kwT, eps));
    }

    /** 1 − E_ctx(χ)/(E_img(χ) + ε) per frame. */
    private static NDArray term(NDArray flow, NDArray chi, NDArray img, NDArray kh, NDArray kwT, double eps) {
        NDArray context = chi.neg().add(1).expandDims(1); // [B, 1, H, W]
        NDArray num = kh.matMul(flow.mul(context)).matMul(kwT);
        NDArray den = kh.matMul(context).matMul(kwT).add(1e-20);
        NDArray ctx = flow.sub(num.div(den)).square().add(RHO_EPS2).sqrt();
        NDArray weight = chi.expandDims(1);
        NDArray eCtx = ctx.mul(weight).sum(new int[] {1, 2, 3});
        NDArray eImg = img.mul(weight).sum(new int[] {1, 2, 3});
        return eCtx.div(eImg.add(eps)).neg().add(1);
    }

    /** @return the loss of each frame's hard mask (true inside) */
    double[] score(List<Flow> flows, List<boolean[]> masks, NDManager manager) {
        try (NDManager m = manager.newSubManager()) {
            int b = flows.size();
            Flow f0 = flows.get(0);
            int h = f0.height();
            int w = f0.width();
            float[] chi = new float[b * h * w];
            for (int i = 0; i < b; i++) {
                boolean[] mk = masks.get(i);
                for (int p = 0; p < h * w; p++) {
                    chi[i * h * w + p] = mk[p] ? 1 : 0;
                }
            }
            NDArray loss = loss(stack(m, flows), m.create(chi, new Shape(b, h, w)), m.create(gaussian(h, settings.sigma()),
                    new Shape(h, h)), m.create(gaussian(w, settings.sigma()), new Shape(w, w)), settings.epsilon(h, w));
            return loss.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
        }
    }

    private static NDArray stack(NDManager m, List<Flow> flows) {
        Flow f0 = flows.get(0);
        int h = f0.height();
        int w = f0.width();
        float[] all = new float[flows.size() * 2 * h * w];
        for (int i = 0; i < flows.size(); i++) {
            Flow f = flows.get(i);
            if (f.width() != w || f.height() != h) {
                throw new IllegalArgumentException("flow " + i + " is " + f.width() + "x" + f.height() + ", flow 0 is "
                        + w + "x" + h);
            }
            System.arraycopy(f.u(), 0, all, i * 2 * h * w, h * w);
            System.arraycopy(f.v(), 0, all, i * 2 * h * w + h * w, h * w);
        }
        return m.create(all, new Shape(flows.size(), 2, h, w));
    }

    /**
     * The soft masks and the figures of one optimisation.
     *
     * @param chi   [B·H·W] χ of each frame after the last step
     * @param loss  the loss of each frame after the last step
     * @param first the loss of each frame at the initial logits
     */
    record Soft(float[] chi, double[] loss, double[] first) {
    }

    /**
     * Optimises one set of mask logits per frame, all frames at once (Adam is per element, so the frames do not
     * interact).
     *
     * @return the soft masks
     */
    Soft optimise(List<Flow> flows, NDManager manager) {
        return optimise(flows, null, 0, manager);
    }

    /**
     * Optimises the masks with DyStaB's regularisation by a static model (methods notes §5.4): each frame's loss
     * gains λ · mean over pixels of BCE(χ, p), p the static model's probability of the object at each pixel. The
     * prior also breaks CIS's symmetry between χ and 1 − χ: χ is drawn to the object the static model sees.
     *
     * @param prior  [B·H·W] probabilities in [0, 1], or null for none
     * @param lambda λ ≥ 0
     * @return the soft masks; their losses include the prior's term
     */
    Soft optimise(List<Flow> flows, float[] prior, double lambda, NDManager manager) {
        int starts = settings.starts();
        int n = flows.get(0).width() * flows.get(0).height();
        if (prior != null && prior.length != flows.size() * n) {
            throw new IllegalArgumentException("the prior holds " + prior.length + " values for " + flows.size()
                    + " flows of " + n + " pixels");
        }
        if (!(lambda >= 0 && Double.isFinite(lambda))) {
            throw new IllegalArgumentException("lambda = " + lambda + " must be finite and >= 0");
        }
        List<Flow> all = new java.util.ArrayList<>();
        float[] priors = prior == null || lambda == 0 ? null : new float[flows.size() * starts * n];
        for (int i = 0; i < flows.size(); i++) {
            for (int k = 0; k < starts; k++) {
                all.add(flows.get(i));
                if (priors != null) {
                    System.arraycopy(prior, i * n, priors, (i * starts + k) * n, n);
                }
            }
        }
        Soft each = once(all, priors, lambda, manager);
        float[] chi = new float[flows.size() * n];
        double[] loss = new double[flows.size()];
        double[] first = new double[flows.size()];
        for (int i = 0; i < flows.size(); i++) {
            int best = i * starts;
            for (int k = 1; k < starts; k++) {
                if (each.loss()[i * starts + k] < each.loss()[best]) {
                    best = i * starts + k;
                }
            }
            System.arraycopy(each.chi(), best * n, chi, i * n, n);
            loss[i] = each.loss()[best];
            first[i] = each.first()[best];
        }
        return new Soft(chi, loss, first);
    }

    private Soft once(List<Flow> flows, float[] prior, double lambda, NDManager manager) {
        Flow f0 = flows.get(0);
        int b = flows.size();
        int h = f0.height();
        int w = f0.width();
        double eps = settings.epsilon(h, w);
        try (NDManager m = manager.newSubManager()) {
            NDArray flow = stack(m, flows);
            NDArray target = prior == null ? null : m.create(prior, new Shape(b, h, w));
            NDArray kh = m.create(gaussian(h, settings.sigma()), new Shape(h, h));
            NDArray kw = m.create(gaussian(w, settings.sigma()), new Shape(w, w));
            float[] init = smoothNoise(b * 2, h, w, settings.sigma(), INIT_SCALE, settings.seed());
            NDArray logits = m.create(init, new Shape(b, 2, h, w)); // the current values, no gradient
            double ps = settings.smoothing();
            NDArray[] smooth = ps > 0 ? new NDArray[] {m.create(normalised(h, ps), new Shape(h, h)),
                    m.create(normalised(w, ps), new Shape(w, w))} : null;
            NDArray m1 = m.zeros(logits.getShape());
            NDArray m2 = m.zeros(logits.getShape());
            double[] first = null;
            double[] last = new double[b];
            GradientGuard guard = new GradientGuard();
            for (int t = 0; t < settings.steps(); t++) {
                double c1 = 1 - Math.pow(0.9, t + 1);
                double c2 = 1 - Math.pow(0.999, t + 1);
                double[][] perFrame = new double[1][];
                // every array of a step lives in s: an operation's result goes to its first operand's manager,
                // so the step's leaf and its inputs are copies in s
                try (NDManager s = m.newSubManager()) {
                    NDArray leaf = in(s, logits);
                    leaf.setRequiresGradient(true);
                    NDArray u = in(s, flow);
                    NDArray ch = in(s, kh);
                    NDArray cw = in(s, kw);
                    NDArray ph = smooth == null ? null : in(s, smooth[0]);
                    NDArray pw = smooth == null ? null : in(s, smooth[1]);
                    NDArray p = target == null ? null : in(s, target);
                    guard.step(List.of(leaf), () -> {
                        try (GradientCollector gc = s.getEngine().newGradientCollector()) {
                            NDArray x = chi(pw == null ? leaf : ph.matMul(leaf).matMul(pw));
                            NDArray l = loss(u, x, ch, cw, eps);
                            if (p != null) {
                                l = l.add(Scalars.mul(bce(x, p), lambda));
                            }
                            perFrame[0] = l.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
                            NDArray total = l.sum();
                            gc.backward(total);
                            return GradientGuard.value(total);
                        }
                    }, () -> {
                        NDArray g = leaf.getGradient();
                        g.attach(s);
                        Scalars.muli(m1, 0.9).addi(Scalars.mul(g, 0.1));
                        Scalars.muli(m2, 0.999).addi(Scalars.mul(g.square(), 0.001));
                        NDArray mh = Scalars.div(in(s, m1), c1);
                        NDArray vh = Scalars.div(in(s, m2), c2).sqrt().add(1e-8);
                        NDArray value = leaf.stopGradient();
                        value.attach(s);
                        logits.intern(value.sub(Scalars.mul(mh.div(vh), settings.rate())));
                    });
                }
                if (first == null) {
                    first = perFrame[0];
                }
                last = perFrame[0];
            }
            try (NDArray chi = chi(smooth == null ? logits : smooth[0].matMul(logits).matMul(smooth[1]))) {
                return new Soft(chi.toFloatArray(), last, first);
            }
        }
    }

    /**
     * Symmetric logits are a saddle (L(χ) = L(1 − χ)), and per-pixel noise starts the masks as salt and pepper
     * that settles into ragged partitions; so each logit map starts as white noise blurred by the inpainter's
     * Gaussian and scaled to the given standard deviation: a few blobs per frame.
     */
    static float[] smoothNoise(int maps, int h, int w, double sigma, double scale, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] kh = gaussian(h, sigma);
        float[] kw = gaussian(w, sigma);
        float[] out = new float[maps * h * w];
        double[] noise = new double[h * w];
        double[] tmp = new double[h * w];
        for (int k = 0; k < maps; k++) {
            for (int i = 0; i < noise.length; i++) {
                noise[i] = r.nextGaussian();
            }
            for (int y = 0; y < h; y++) { // rows: tmp = K_h · noise
                for (int x = 0; x < w; x++) {
                    double sum = 0;
                    for (int j = 0; j < h; j++) {
                        sum += kh[y * h + j] * noise[j * w + x];
                    }
                    tmp[y * w + x] = sum;
                }
            }
            double mean = 0;
            double sq = 0;
            for (int y = 0; y < h; y++) { // columns: tmp · K_w
                for (int x = 0; x < w; x++) {
                    double sum = 0;
                    for (int j = 0; j < w; j++) {
                        sum += tmp[y * w + j] * kw[j * w + x];
                    }
                    out[k * h * w + y * w + x] = (float) sum;
                    mean += sum;
                    sq += sum * sum;
                }
            }
            mean /= h * w;
            double sd = Math.sqrt(Math.max(sq / (h * w) - mean * mean, 1e-12));
            for (int i = 0; i < h * w; i++) {
                out[k * h * w + i] = (float) ((out[k * h * w + i] - mean) / sd * scale);
            }
        }
        return out;
    }

    /** @return the Gaussian matrix with rows summing to 1 (symmetric up to the border rows) */
    static float[] normalised(int n, double sigma) {
        float[] k = gaussian(n, sigma);
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += k[i * n + j];
            }
            for (int j = 0; j < n; j++) {
                k[i * n + j] /= sum;
            }
        }
        return k;
    }

    /** @return the mean binary cross-entropy of χ [B, H, W] against the probabilities p per frame: [B] */
    static NDArray bce(NDArray chi, NDArray p) {
        NDArray c = chi.clip(1e-6, 1 - 1e-6);
        NDArray e = p.mul(c.log()).add(p.neg().add(1).mul(c.neg().add(1).log())).neg();
        return e.mean(new int[] {2}).mean(new int[] {1});
    }

    /** @return a copy of the array in the manager */
    private static NDArray in(NDManager s, NDArray a) {
        NDArray c = a.duplicate();
        c.attach(s);
        return c;
    }

    /** χ = channel 0 of softmax(logits/10) over the channel axis: [B, 2, H, W] to [B, H, W]. */
    static NDArray chi(NDArray logits) {
        return Scalars.div(logits, 10).softmax(1).get(new NDIndex(":, 0"));
    }

    /**
     * χ &gt; threshold, complemented when it covers more than the border fraction of the pixels within 2 of the
     * image's edge.
     *
     * @return the mask and whether it was complemented
     */
    static boolean[] binarise(float[] chi, int offset, int width, int height, double threshold, double border,
            boolean[] flipped) {
        boolean[] mask = new boolean[width * height];
        int edge = 0;
        int covered = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                mask[i] = chi[offset + i] > threshold;
                if (x < 2 || y < 2 || x >= width - 2 || y >= height - 2) {
                    edge++;
                    covered += mask[i] ? 1 : 0;
                }
            }
        }
        boolean flip = covered > border * edge;
        if (flip) {
            for (int i = 0; i < mask.length; i++) {
                mask[i] = !mask[i];
            }
        }
        if (flipped != null) {
            flipped[0] = flip;
        }
        return mask;
    }
}
