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
 * <p>Adam is written out here (a dozen lines) because the weights live in Java arrays, not in a DJL block whose
 * parameters DJL's optimiser would update; see {@link StereoModel}.
 */
final class StereoTraining {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private StereoTraining() {
    }

    private static boolean finite(Passes.WeightGradient g) {
        if (!Double.isFinite(g.loss())) {
            return false;
        }
        for (float[] a : g.gradients()) {
            for (float v : a) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
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
     * @return the loss of each step
     * @throws IllegalStateException if the loss stops being finite (naming the step)
     */
    static double[] train(StereoModel model, LongFunction<StereoBatch> data, Options o, NDManager manager,
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
        for (int t = 0; t < o.steps(); t++) {
            progress.checkCancelled();
            StereoBatch b = data.apply(t);
            if (o.adversarial() > 0 && t % 2 == 1) {
                b = Attacks.run(model, b, b.disparity(), AttackSpec.of("fgsm", o.adversarial()), manager,
                        Progress.NONE).perturbed();
            }
            Passes.WeightGradient g = Passes.weightGradient(model, b, manager);
            losses[t] = g.loss();
            if (!finite(g)) {
                // a step whose loss or gradient is not finite changes nothing (libtorch has returned NaN at random on
                // this machine: README, Known issues); many such steps mean the training itself diverged
                skipped++;
                if (skipped > Math.max(3, o.steps() / 100)) {
                    throw new IllegalStateException("training diverged: " + skipped + " of the first " + (t + 1)
                            + " steps had a loss or gradient that is not finite (step " + (t + 1) + ": loss " + g.loss() + ")");
                }
                progress.report("steps", t + 1, o.steps());
                continue;
            }
            double c1 = 1 - Math.pow(BETA1, t + 1);
            double c2 = 1 - Math.pow(BETA2, t + 1);
            for (int i = 0; i < w.length; i++) {
                float[] gi = g.gradients()[i];
                for (int j = 0; j < gi.length; j++) {
                    m1[i][j] = BETA1 * m1[i][j] + (1 - BETA1) * gi[j];
                    m2[i][j] = BETA2 * m2[i][j] + (1 - BETA2) * gi[j] * gi[j];
                    w[i][j] -= (float) (o.lr() * (m1[i][j] / c1) / (Math.sqrt(m2[i][j] / c2) + EPS));
                }
            }
            progress.report("steps", t + 1, o.steps());
        }
        return losses;
    }
}
