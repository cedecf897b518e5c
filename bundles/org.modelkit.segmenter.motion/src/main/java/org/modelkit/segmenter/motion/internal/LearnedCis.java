package org.modelkit.segmenter.motion.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.modelkit.api.data.Flow;
import org.modelkit.api.progress.Progress;
import org.modelkit.nn.GradientGuard;
import org.modelkit.nn.Scalars;

/**
 * CIS in its learned form (methods notes §5.2): a mask network G and an inpainter ψ trained against each other on a
 * sequence's frames. G sees the image and the flow standardised per frame and channel, and outputs χ = channel 0 of
 * softmax(logits/10); ψ sees the image, the flow outside a mask ({@code u⊙(1−m)}), a channel of ones and
 * {@code 1 − m}, and predicts the whole flow. With ρ the Charbonnier penalty per flow channel,
 * <pre>
 *   E_ctx(χ) = Σ χ·ρ(u − ψ(I, u⊙(1−χ), χ)),   E_img(χ) = Σ χ·ρ(u − ψ(I, 0, 1)),
 *   ψ minimises [E_ctx(χ) + E_ctx(1−χ) + E_img(1)] / (B·H·W),
 *   G minimises mean_b[1 − E_ctx(χ)/(E_img(χ)+ε)] + mean_b[1 − E_ctx(1−χ)/(E_img(1−χ)+ε)].
 * </pre>
 * Per cycle one inpainter step, then three mask steps; Adam (rate 1e-4, β1 0.9, β2 0.999) on gradients clipped to
 * ±0.2; when the mask network's mean |gradient| is below 1e-5 its gradient is replaced by |U(−0.2, 0.2)| (the
 * reference code's kick out of the all-or-nothing minimum).
 *
 * <p>Both networks are small stacks of 3×3 convolutions with growing dilation (the inpainter's reach is 31 px, so
 * it can fill a hole from its surroundings; the reference uses a FlowNetS-like encoder-decoder, which does not fit
 * the test budget). Their weights live in Java arrays and are copied into each step's manager, as the stereo
 * networks' are: no graph or gradient outlives a step, and the Adam state is plain Java. Convolutions are DJL's
 * functional {@link Conv2d#conv2d}; each step goes through {@link GradientGuard} (oneDNN's convolution backward is
 * the kernel with transient NaN faults on this CPU).
 */
final class LearnedCis {
    private static final double RHO_EPS2 = 1e-6;
    private static final int WIDTH = 16;
    /** The mask network: input channels, then per layer its dilation; the last layer outputs 2 logits. */
    private static final int[] MASK_DILATIONS = {1, 2, 4, 1};
    private static final int[] INPAINT_DILATIONS = {1, 2, 4, 8, 1};

    /**
     * @param cycles    training cycles (one inpainter step, three mask steps each)
     * @param rate      Adam's rate (the reference 1e-4)
     * @param clip      the gradient clip (0.2)
     * @param kick      the mask network's mean |gradient| below which the kick replaces it (1e-5)
     * @param batch     frames per step
     * @param epsilon   ε at the reference size, rescaled as the fixed objective's
     * @param threshold χ above it is the mask
     * @param border    the border fraction for the complement rule
     * @param seed      the initialisation, the batches and the kicks
     */
    record Settings(int cycles, double rate, double clip, double kick, int batch, double epsilon, double threshold,
            double border, long seed) {
        Settings {
            if (cycles < 1) {
                throw new IllegalArgumentException("cycles = " + cycles + " must be at least 1");
            }
            if (!(rate > 0 && Double.isFinite(rate))) {
                throw new IllegalArgumentException("rate = " + rate + " must be finite and > 0");
            }
            if (!(clip > 0 && Double.isFinite(clip))) {
                throw new IllegalArgumentException("clip = " + clip + " must be finite and > 0");
            }
            if (!(kick >= 0)) {
                throw new IllegalArgumentException("kick = " + kick + " must be >= 0");
            }
            if (batch < 1) {
                throw new IllegalArgumentException("batch = " + batch + " must be at least 1");
            }
            if (!(epsilon > 0 && Double.isFinite(epsilon))) {
                throw new IllegalArgumentException("epsilon = " + epsilon + " must be finite and > 0");
            }
        }
    }

    /**
     * One training's outcome.
     *
     * @param chi        [frames·H·W] χ of every frame after training
     * @param maskLoss   the mask network's loss at each cycle's last mask step
     * @param inpaintLoss the inpainter's loss at each cycle
     * @param kicks      mask steps whose gradient was replaced by the kick
     * @param maskGradient the mask network's mean |gradient| at each cycle's last mask step, before any kick
     */
    record Outcome(float[] chi, double[] maskLoss, double[] inpaintLoss, int kicks, double[] maskGradient) {
    }

    /** A network's weights and Adam state, in Java. */
    private static final class Net {
        final int[] dilations;
        final int[][] shapes; // per tensor: {out, in, 3, 3} or {out}
        final float[][] w;
        final double[][] m1;
        final double[][] m2;
        int t;

        Net(int in, int out, int[] dilations, SplittableRandom r) {
            this.dilations = dilations;
            int layers = dilations.length;
            shapes = new int[2 * layers][];
            w = new float[2 * layers][];
            m1 = new double[2 * layers][];
            m2 = new double[2 * layers][];
            for (int l = 0; l < layers; l++) {
                int ci = l == 0 ? in : WIDTH;
                int co = l == layers - 1 ? out : WIDTH;
                shapes[2 * l] = new int[] {co, ci, 3, 3};
                shapes[2 * l + 1] = new int[] {co};
                double bound = 1 / Math.sqrt(ci * 9.0); // PyTorch's default: uniform in ±1/√fan-in
                for (int k = 0; k < 2; k++) {
                    int n = k == 0 ? co * ci * 9 : co;
                    w[2 * l + k] = new float[n];
                    for (int j = 0; j < n; j++) {
                        w[2 * l + k][j] = (float) ((2 * r.nextDouble() - 1) * bound);
                    }
                    m1[2 * l + k] = new double[n];
                    m2[2 * l + k] = new double[n];
                }
            }
        }

        List<NDArray> arrays(NDManager m) {
            List<NDArray> out = new ArrayList<>();
            for (int i = 0; i < w.length; i++) {
                long[] s = new long[shapes[i].length];
                for (int k = 0; k < s.length; k++) {
                    s[k] = shapes[i][k];
                }
                NDArray a = m.create(w[i], new Shape(s));
                a.setRequiresGradient(true);
                out.add(a);
            }
            return out;
        }

        NDArray forward(NDArray x, List<NDArray> ws) {
            for (int l = 0; l < dilations.length; l++) {
                int d = dilations[l];
                x = Conv2d.conv2d(x, ws.get(2 * l), ws.get(2 * l + 1), new Shape(1, 1), new Shape(d, d), new Shape(d, d), 1)
                        .singletonOrThrow();
                if (l < dilations.length - 1) {
                    x = ai.djl.nn.Activation.relu(x);
                }
            }
            return x;
        }

        /** @return the gradients, in Java */
        float[][] gradients(List<NDArray> ws) {
            float[][] g = new float[ws.size()][];
            for (int i = 0; i < ws.size(); i++) {
                try (NDArray gr = ws.get(i).getGradient()) {
                    g[i] = gr.toFloatArray();
                }
            }
            return g;
        }

        /** Adam on clipped gradients. */
        void update(float[][] g, Settings s) {
            t++;
            double c1 = 1 - Math.pow(0.9, t);
            double c2 = 1 - Math.pow(0.999, t);
            for (int i = 0; i < w.length; i++) {
                for (int j = 0; j < w[i].length; j++) {
                    double gj = Math.max(-s.clip(), Math.min(s.clip(), g[i][j]));
                    m1[i][j] = 0.9 * m1[i][j] + 0.1 * gj;
                    m2[i][j] = 0.999 * m2[i][j] + 0.001 * gj * gj;
                    w[i][j] -= (float) (s.rate() * (m1[i][j] / c1) / (Math.sqrt(m2[i][j] / c2) + 1e-8));
                }
            }
        }
    }

    private final Settings settings;

    LearnedCis(Settings settings) {
        this.settings = settings;
    }

    /**
     * Trains both networks on the frames and returns every frame's χ.
     *
     * @param images grey images of the flows' size, in [0, 1]
     * @param flows  the flow of each frame, in pixels
     * @return χ and the training's figures
     */
    Outcome train(List<float[]> images, List<Flow> flows, NDManager manager, Progress progress) {
        int n = flows.size();
        int h = flows.get(0).height();
        int w = flows.get(0).width();
        int hw = h * w;
        double eps = settings.epsilon() * 80 * ((double) h * w) / (192.0 * 384.0);
        SplittableRandom r = new SplittableRandom(settings.seed());
        Net g = new Net(3, 2, MASK_DILATIONS, r.split());
        Net psi = new Net(5, 2, INPAINT_DILATIONS, r.split());
        SplittableRandom order = r.split();
        SplittableRandom kicker = r.split();
        // per frame: the image in [−0.5, 0.5], the flow, the flow standardised per channel
        float[] img = new float[n * hw];
        float[] flow = new float[n * 2 * hw];
        float[] std = new float[n * 2 * hw];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < hw; p++) {
                img[i * hw + p] = images.get(i)[p] - 0.5f;
            }
            float[][] uv = {flows.get(i).u(), flows.get(i).v()};
            for (int c = 0; c < 2; c++) {
                double mean = 0;
                double sq = 0;
                for (int p = 0; p < hw; p++) {
                    mean += uv[c][p];
                    sq += (double) uv[c][p] * uv[c][p];
                }
                mean /= hw;
                double sd = Math.sqrt(Math.max(sq / hw - mean * mean, 0)) + 1e-6;
                for (int p = 0; p < hw; p++) {
                    flow[(i * 2 + c) * hw + p] = uv[c][p];
                    std[(i * 2 + c) * hw + p] = (float) ((uv[c][p] - mean) / sd);
                }
            }
        }
        int b = Math.min(settings.batch(), n);
        double[] maskLoss = new double[settings.cycles()];
        double[] inpaintLoss = new double[settings.cycles()];
        double[] maskGradient = new double[settings.cycles()];
        int kicks = 0;
        GradientGuard maskGuard = new GradientGuard();
        GradientGuard inpaintGuard = new GradientGuard();
        for (int cycle = 0; cycle < settings.cycles(); cycle++) {
            progress.checkCancelled();
            for (int step = 0; step < 4; step++) {
                boolean inpaint = step == 0;
                int[] pick = new int[b];
                for (int k = 0; k < b; k++) {
                    pick[k] = b == n ? k : order.nextInt(n);
                }
                float[] bi = new float[b * hw];
                float[] bu = new float[b * 2 * hw];
                float[] bs = new float[b * 2 * hw];
                for (int k = 0; k < b; k++) {
                    System.arraycopy(img, pick[k] * hw, bi, k * hw, hw);
                    System.arraycopy(flow, pick[k] * 2 * hw, bu, k * 2 * hw, 2 * hw);
                    System.arraycopy(std, pick[k] * 2 * hw, bs, k * 2 * hw, 2 * hw);
                }
                try (NDManager s = manager.newSubManager()) {
                    NDArray im = s.create(bi, new Shape(b, 1, h, w));
                    NDArray u = s.create(bu, new Shape(b, 2, h, w));
                    NDArray us = s.create(bs, new Shape(b, 2, h, w));
                    List<NDArray> gw = g.arrays(s);
                    List<NDArray> pw = psi.arrays(s);
                    List<NDArray> mine = inpaint ? pw : gw;
                    double[] value = new double[1];
                    float[][][] grads = new float[1][][];
                    double loss = (inpaint ? inpaintGuard : maskGuard).step(mine, () -> {
                        try (GradientCollector gc = s.getEngine().newGradientCollector()) {
                            NDArray chi = Scalars.div(g.forward(channels(im, us), gw), 10).softmax(1)
                                    .get(new ai.djl.ndarray.index.NDIndex(":, 0:1")); // [B, 1, H, W]
                            if (inpaint) {
                                chi = chi.stopGradient();
                            }
                            NDArray rest = chi.neg().add(1);
                            NDArray ones = s.ones(new Shape(b, 1, h, w));
                            NDArray predIn = psi.forward(channels(im, u.mul(rest), ones, rest), pw);
                            NDArray predOut = psi.forward(channels(im, u.mul(chi), ones, chi), pw);
                            NDArray predImg = psi.forward(channels(im, Scalars.mul(u, 0), ones, Scalars.mul(ones, 0)), pw);
                            NDArray rIn = rho(u.sub(predIn));
                            NDArray rOut = rho(u.sub(predOut));
                            NDArray rImg = rho(u.sub(predImg));
                            NDArray l;
                            if (inpaint) {
                                l = Scalars.div(rIn.mul(chi).sum().add(rOut.mul(rest).sum()).add(rImg.sum()), (double) b * h * w);
                            } else {
                                NDArray eIn = rIn.mul(chi).sum(new int[] {1, 2, 3});
                                NDArray eImgIn = rImg.mul(chi).sum(new int[] {1, 2, 3});
                                NDArray eOut = rOut.mul(rest).sum(new int[] {1, 2, 3});
                                NDArray eImgOut = rImg.mul(rest).sum(new int[] {1, 2, 3});
                                l = eIn.div(eImgIn.add(eps)).neg().add(1).mean()
                                        .add(eOut.div(eImgOut.add(eps)).neg().add(1).mean());
                            }
                            gc.backward(l);
                            value[0] = GradientGuard.value(l);
                            return value[0];
                        }
                    }, () -> grads[0] = (inpaint ? psi : g).gradients(mine));
                    if (grads[0] == null) {
                        continue; // a skipped step
                    }
                    if (!inpaint) {
                        double sum = 0;
                        long count = 0;
                        for (float[] gi : grads[0]) {
                            for (float v : gi) {
                                sum += Math.abs(v);
                            }
                            count += gi.length;
                        }
                        maskGradient[cycle] = sum / count;
                        if (sum / count < settings.kick()) {
                            kicks++;
                            for (float[] gi : grads[0]) {
                                for (int j = 0; j < gi.length; j++) {
                                    gi[j] = (float) Math.abs(kicker.nextDouble(-0.2, 0.2));
                                }
                            }
                        }
                        maskLoss[cycle] = loss;
                    } else {
                        inpaintLoss[cycle] = loss;
                    }
                    (inpaint ? psi : g).update(grads[0], settings);
                }
            }
            progress.report("cycles", cycle + 1, settings.cycles());
        }
        float[] chi = new float[n * hw];
        for (int s0 = 0; s0 < n; s0 += 16) {
            int bb = Math.min(16, n - s0);
            try (NDManager s = manager.newSubManager()) {
                NDArray im = s.create(java.util.Arrays.copyOfRange(img, s0 * hw, (s0 + bb) * hw), new Shape(bb, 1, h, w));
                NDArray us = s.create(java.util.Arrays.copyOfRange(std, s0 * 2 * hw, (s0 + bb) * 2 * hw),
                        new Shape(bb, 2, h, w));
                List<NDArray> gw = g.arrays(s);
                float[] c = Scalars.div(g.forward(channels(im, us), gw), 10).softmax(1)
                        .get(new ai.djl.ndarray.index.NDIndex(":, 0")).toFloatArray();
                System.arraycopy(c, 0, chi, s0 * hw, bb * hw);
            }
        }
        return new Outcome(chi, maskLoss, inpaintLoss, kicks, maskGradient);
    }

    /** ρ(r) = (r² + 0.001²)^½. */
    private static NDArray rho(NDArray r) {
        return r.square().add(RHO_EPS2).sqrt();
    }

    /** @return the arrays concatenated along the channel axis */
    private static NDArray channels(NDArray... parts) {
        return NDArrays.concat(new NDList(parts), 1);
    }
}
