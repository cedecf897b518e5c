package org.modelkit.perturber.stereo.internal;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.SplittableRandom;
import org.modelkit.api.perturb.AttackSpec;
import org.modelkit.api.progress.Progress;

/**
 * The attacks of Stereopagnosia (arXiv:2009.10142) on a batch of pairs, with the arithmetic of the authors'
 * {@code perturb_model.py} (methods notes §4.2): FGSM, I-FGSM, MI-FGSM with the (1 − μ) weighting and the L1
 * norm over each image's whole gradient, diverse inputs, and the uniform and Gaussian noise baselines.
 *
 * <p>Images stay in Java float arrays between steps; only the gradient is computed on the backend. The bound is
 * kept exactly in float arithmetic: every final pixel satisfies {@code |I' − I| ≤ ε} and {@code I' ∈ [0, 1]}
 * as floats (see {@link #project}).
 */
final class Attacks {
    /** The attacks this class knows, in the order the shell lists them. */
    static final List<String> KNOWN = List.of("fgsm", "ifgsm", "mifgsm", "uniform", "gaussian");

    private Attacks() {
    }

    /**
     * @param perturbed the batch with perturbed images (ground truth kept)
     * @param deltaLeft {@code perturbed.left − clean.left}, planar
     * @param deltaRight the same for the right images
     */
    record Outcome(StereoBatch perturbed, float[] deltaLeft, float[] deltaRight) {
    }

    /**
     * @param name an attack's name
     * @return the name, checked
     * @throws IllegalArgumentException listing the known attacks
     */
    static String check(String name) {
        if (!KNOWN.contains(name)) {
            throw new IllegalArgumentException("attack '" + name + "' is unknown; known: " + String.join(", ", KNOWN));
        }
        return name;
    }

    /**
     * @param model    the network under attack; not changed
     * @param clean    the clean pairs
     * @param target   the disparities the loss compares against, NaN where unknown
     * @param spec     the attack
     * @param manager  the manager each gradient pass's own is made under
     * @param progress receives each step; may cancel
     * @return the perturbed pairs and the perturbations
     */
    static Outcome run(StereoModel model, StereoBatch clean, float[] target, AttackSpec spec, NDManager manager,
            Progress progress) {
        check(spec.attack());
        float e = bound(spec.epsilon());
        boolean doLeft = spec.target() != AttackSpec.Target.RIGHT;
        boolean doRight = spec.target() != AttackSpec.Target.LEFT;
        float[] l0 = clean.left();
        float[] r0 = clean.right();
        float[] l = l0.clone();
        float[] r = r0.clone();
        SplittableRandom random = new SplittableRandom(spec.seed());
        // a run cancelled before it starts computes nothing (the conformance kit found FGSM and the noise baselines,
        // which have no step loop, returning a result under a cancelled progress)
        progress.checkCancelled();
        switch (spec.attack()) {
            case "uniform", "gaussian" -> {
                boolean uniform = spec.attack().equals("uniform");
                if (doLeft) {
                    noise(l, e, uniform, random);
                }
                if (doRight) {
                    noise(r, e, uniform, random);
                }
            }
            case "fgsm" -> {
                Passes.InputGradient g = gradient(model, clean, target, spec, random, manager);
                progress.checkCancelled();
                if (doLeft) {
                    step(l, g.left(), e);
                }
                if (doRight) {
                    step(r, g.right(), e);
                }
                progress.report("attack steps", 1, 1);
            }
            default -> {
                boolean momentum = spec.attack().equals("mifgsm");
                float a = (float) spec.alpha();
                int per = clean.imageSize();
                double[] gl = new double[l.length];
                double[] gr = new double[r.length];
                for (int t = 0; t < spec.steps(); t++) {
                    progress.checkCancelled();
                    Passes.InputGradient g = gradient(model, clean.withImages(l, r), target, spec, random, manager);
                    float[] dl = momentum ? accumulate(gl, g.left(), spec.momentum(), per) : g.left();
                    float[] dr = momentum ? accumulate(gr, g.right(), spec.momentum(), per) : g.right();
                    if (doLeft) {
                        step(l, dl, a);
                        project(l, l0, e);
                    }
                    if (doRight) {
                        step(r, dr, a);
                        project(r, r0, e);
                    }
                    progress.report("attack steps", t + 1, spec.steps());
                }
            }
        }
        project(l, l0, e);
        project(r, r0, e);
        return new Outcome(clean.withImages(l, r), difference(l, l0), difference(r, r0));
    }

    /** Passes tried for one input gradient before the attack gives up. */
    static final int ATTEMPTS = 3;

    private static Passes.InputGradient gradient(StereoModel model, StereoBatch b, float[] target, AttackSpec spec,
            SplittableRandom random, NDManager manager) {
        DiverseInput.View v = spec.diversity() > 0 && random.nextDouble() < spec.diversity()
                ? DiverseInput.draw(b.height(), b.width(), random) : null;
        float[] t = v == null ? target : v.truth(target, b.n());
        String problem = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Passes.InputGradient g = Passes.inputGradient(model, b, t, v, manager);
            problem = fault(g);
            if (problem == null) {
                return g;
            }
            // libtorch has returned such gradients at random on this machine (README, Known issues): the same pass
            // again gives the right one
        }
        throw new IllegalStateException("the input gradient " + problem + " in " + ATTEMPTS + " passes on the same input");
    }

    /**
     * @return what is impossible about an input gradient — a non-finite loss or entry, one image's gradient all zero
     *         while the other's is not (both images feed every cost), or both all zero at a loss above zero (a CI run saw
     *         an FGSM leave Aloe untouched: the gradient had come back as zeros) — or null if
     *         nothing is
     */
    static String fault(Passes.InputGradient g) {
        if (!Double.isFinite(g.loss())) {
            return "came with a loss of " + g.loss();
        }
        boolean left = false;
        boolean right = false;
        for (int i = 0; i < g.left().length; i++) {
            if (!Float.isFinite(g.left()[i]) || !Float.isFinite(g.right()[i])) {
                return "was not finite";
            }
            left |= g.left()[i] != 0;
            right |= g.right()[i] != 0;
        }
        if (!left && !right && g.loss() > 0) {
            return "was zero over both images at a loss of " + g.loss();
        }
        return left == right ? null : "was zero over the whole " + (left ? "right" : "left") + " image";
    }

    /** @return the largest float not above ε, so that a float comparison with it is a comparison with ε */
    static float bound(double epsilon) {
        float e = (float) epsilon;
        return e > epsilon ? Math.nextDown(e) : e;
    }

    /** {@code x ← clamp(x + a·sign(g), 0, 1)} */
    private static void step(float[] x, float[] g, float a) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.min(1f, Math.max(0f, x[i] + a * Math.signum(g[i])));
        }
    }

    /**
     * MI-FGSM's accumulator, per image: {@code g ← μ·g + (1 − μ)·∇/‖∇‖₁}.
     *
     * @return the accumulated direction
     */
    private static float[] accumulate(double[] acc, float[] grad, double mu, int per) {
        float[] out = new float[grad.length];
        for (int o = 0; o < grad.length; o += per) {
            double norm = 0;
            for (int i = o; i < o + per; i++) {
                norm += Math.abs(grad[i]);
            }
            for (int i = o; i < o + per; i++) {
                acc[i] = mu * acc[i] + (1 - mu) * (norm > 0 ? grad[i] / norm : 0);
                out[i] = (float) acc[i];
            }
        }
        return out;
    }

    /**
     * {@code δ = clamp(x − x0, −e, e)}, {@code x = clamp(x0 + δ, 0, 1)}; where float rounding of the sum leaves
     * {@code |x − x0|} above e, x moves toward x0 by one ulp at a time until it does not.
     */
    static void project(float[] x, float[] x0, float e) {
        for (int i = 0; i < x.length; i++) {
            float d = Math.min(e, Math.max(-e, x[i] - x0[i]));
            float v = Math.min(1f, Math.max(0f, x0[i] + d));
            while (Math.abs(v - x0[i]) > e) {
                v = v > x0[i] ? Math.nextDown(v) : Math.nextUp(v);
            }
            x[i] = v;
        }
    }

    private static void noise(float[] x, float e, boolean uniform, SplittableRandom random) {
        for (int i = 0; i < x.length; i++) {
            double d = uniform ? (2 * random.nextDouble() - 1) * e : gaussian(random) * e / 4;
            x[i] = (float) Math.min(1, Math.max(0, x[i] + Math.max(-e, Math.min(e, d))));
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static float[] difference(float[] x, float[] x0) {
        float[] d = new float[x.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = x[i] - x0[i];
        }
        return d;
    }
}
