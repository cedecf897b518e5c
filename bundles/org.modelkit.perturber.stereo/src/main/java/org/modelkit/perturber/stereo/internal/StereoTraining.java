package org.modelkit.perturber.stereo.internal;

import ai.djl.ndarray.NDManager;
import java.util.function.LongFunction;
import org.modelkit.api.perturb.AttackSpec;
import org.modelkit.api.progress.Progress;

/**
 * Supervised training of a stereo network: SmoothL1 on the valid pixels, Adam, a fresh batch every step; with
 * adversarial augmentation, every second batch is replaced by its FGSM perturbation against the current
 * network (the paper's defence).
 *
 * <p>Every step's gradient is checked before Adam sees it. Such checks were written when a weight gradient now and
 * then came back with a few absurd but finite entries (norms of 1e7 to 1e28 at an ordinary loss of 0.2); one such
 * step froze Adam's second moments and the network fell to the mean disparity some hundred steps later. The cause
 * was found later: DJL freed the scalars of {@code mul(Number)} and {@code maximum(Number)} while the graph still
 * read them ({@link org.modelkit.nn.Scalars}, which the network now uses). The checks stay as a cheap defence: a
 * gradient whose norm is not finite or exceeds {@value #OUTLIER} times the running typical norm is computed again on
 * the same batch: if the second result is ordinary the first was a fault and is dropped; if it is the same, the
 * spike is real. Any norm above {@value #CLIP} times the typical one is then scaled down to it (adaptive clipping),
 * and a step whose gradient stays non-finite is skipped.
 *
 * <p>Adam is written out here (a dozen lines) because the weights live in Java arrays, not in a DJL block whose
 * parameters DJL's optimiser would update; see {@link StereoModel}.
 */
final class StereoTraining {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    /** A gradient norm above this many times the typical one is computed again. */
    static final double OUTLIER = 10;
    /** A gradient norm above this many times the typical one is scaled down to it. */
    static final double CLIP = 3;
    /** Steps before the typical norm is trusted (the first gradients are the largest). */
    private static final int WARM_UP = 20;

    private StereoTraining() {
    }

    /** @return the gradient's L2 norm over all weights; not finite if the loss or any entry is not */
    static double norm(Passes.WeightGradient g) {
        if (!Double.isFinite(g.loss())) {
            return Double.NaN;
        }
        double sum = 0;
        for (float[] a : g.gradients()) {
            for (float v : a) {
                sum += (double) v * v;
            }
        }
        return Math.sqrt(sum);
    }

    /**
     * What the gradient checks did in one training.
     *
     * @param losses     the loss of each step
     * @param recomputed gradients computed a second time because the first was an outlier
     * @param faults     of those, the ones whose second result was ordinary (the first was dropped)
     * @param clipped    steps whose gradient was scaled down
     * @param skipped    steps left out because the gradient stayed non-finite
     */
    record Result(double[] losses, int recomputed, int faults, int clipped, int skipped) {
        /** @return the counts, for a log line or a command's summary */
        String checks() {
            return recomputed + " gradients recomputed (" + faults + " faulty, dropped), " + clipped + " clipped, "
                    + skipped + " steps skipped";
        }
    }

    /**
     * @param steps       Adam steps, at least 1
     * @param lr          Adam's step size, &gt; 0
     * @param adversarial ε of the FGSM augmentation of every second batch; 0 for none
     */
    record Options(int steps, double lr, double adversarial) {
        Options {
            if (steps < 1) {
                throw new IllegalArgumentException("steps = " + steps + " must be at least 1");
            }
            if (!(lr > 0 && Double.isFinite(lr))) {
                throw new IllegalArgumentException("learning rate = " + lr + " must be finite and > 0");
            }
            if (!(adversarial >= 0 && adversarial <= 1)) {
                throw new IllegalArgumentException("adversarial epsilon = " + adversarial + " must lie in [0, 1]");
            }
        }
    }

    /**
     * Trains in place.
     *
     * @param model    the network, updated
     * @param data     the batch of each step (step number to batch)
     * @param o        the options
     * @param manager  the manager each step's own is made under
     * @param progress receives the step and loss, may cancel
     * @return the loss of each step and what the gradient checks did
     * @throws IllegalStateException if the loss stops being finite (naming the step)
     */
    static Result train(StereoModel model, LongFunction<StereoBatch> data, Options o, NDManager manager,
            Progress progress) {
        float[][] w = model.weights();
        double[][] m1 = new double[w.length][];
        double[][] m2 = new double[w.length][];
        for (int i = 0; i < w.length; i++) {
            m1[i] = new double[w[i].length];
            m2[i] = new double[w[i].length];
        }
        double[] losses = new double[o.steps()];
        int skipped = 0;
        int recomputed = 0;
        int faults = 0;
        int clipped = 0;
        double typical = Double.NaN;
        for (int t = 0; t < o.steps(); t++) {
            progress.checkCancelled();
            StereoBatch b = data.apply(t);
            if (o.adversarial() > 0 && t % 2 == 1) {
                b = Attacks.run(model, b, b.disparity(), AttackSpec.of("fgsm", o.adversarial()), manager,
                        Progress.NONE).perturbed();
            }
            Passes.WeightGradient g = Passes.weightGradient(model, b, manager);
            double norm = norm(g);
            boolean trusted = t >= WARM_UP && Double.isFinite(typical);
            if (!Double.isFinite(norm) || trusted && norm > OUTLIER * typical) {
                recomputed++;
                Passes.WeightGradient again = Passes.weightGradient(model, b, manager);
                double n2 = norm(again);
                if (Double.isFinite(n2) && (!Double.isFinite(norm) || Math.abs(n2 - norm) > 1e-3 * norm)) {
                    faults++; // the same pass on the same batch gave another result: the first was a fault
                }
                g = again;
                norm = n2;
            }
            losses[t] = g.loss();
            if (!Double.isFinite(norm)) {
                skipped++;
                if (skipped > Math.max(3, o.steps() / 100)) {
                    throw new IllegalStateException("training diverged: " + skipped + " of the first " + (t + 1)
                            + " steps had a loss or gradient that is not finite (step " + (t + 1) + ": loss " + g.loss() + ")");
                }
                progress.report("steps", t + 1, o.steps());
                continue;
            }
            double scale = 1;
            if (trusted && norm > CLIP * typical) {
                scale = CLIP * typical / norm;
                clipped++;
            }
            // the typical norm follows the clipped norms, so a burst of spikes cannot drag it up
            typical = Double.isFinite(typical) ? 0.95 * typical + 0.05 * norm * scale : norm;
            double c1 = 1 - Math.pow(BETA1, t + 1);
            double c2 = 1 - Math.pow(BETA2, t + 1);
            for (int i = 0; i < w.length; i++) {
                float[] gi = g.gradients()[i];
                for (int j = 0; j < gi.length; j++) {
                    double gj = gi[j] * scale;
                    m1[i][j] = BETA1 * m1[i][j] + (1 - BETA1) * gj;
                    m2[i][j] = BETA2 * m2[i][j] + (1 - BETA2) * gj * gj;
                    w[i][j] -= (float) (o.lr() * (m1[i][j] / c1) / (Math.sqrt(m2[i][j] / c2) + EPS));
                }
            }
            progress.report("steps", t + 1, o.steps());
        }
        return new Result(losses, recomputed, faults, clipped, skipped);
    }
}
