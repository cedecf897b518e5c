package org.modelkit.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * One optimiser step of a DJL {@link Trainer} whose gradient is checked before the optimiser sees it.
 *
 * <p>Written when a pass now and then returned a gradient, or a loss, that was wrong once and right when the same
 * pass ran again: a few absurd entries (norms of 1e7 to 1e28 at an ordinary loss) or non-finite ones; focal
 * distillation's CI test once "diverged" that way in epoch 29 of 50. The cause was DJL freeing the scalar of
 * {@code x.mul(Number)} and its kin while the graph still read it ({@link Scalars}, which every bundle now uses);
 * the check stays as a cheap defence, since one non-finite entry reaching Adam makes the weights NaN for good. A step
 * whose loss or gradient norm is not finite, or whose norm exceeds {@value #OUTLIER} times the running typical norm
 * (after {@value #WARM_UP} steps), runs its pass again on the same batch with the gradients zeroed: if the second
 * result is ordinary the first was a fault and is dropped; if it is the same, it is used (a real spike). A step
 * whose second gradient is still not finite is skipped; more than {@code max(3, 1 %)} of the steps skipped is real
 * divergence and throws.
 *
 * <p>Written here because neither DJL nor PyTorch checks a gradient before the update (clipping by norm would pass
 * a NaN through; DJL's {@code clipGrad} is element-wise and does not catch NaN).
 */
public final class GradientGuard {
    /** A gradient norm above this many times the typical one is computed again. */
    public static final double OUTLIER = 10;
    /** Steps before the typical norm is trusted (the first gradients are the largest). */
    public static final int WARM_UP = 20;

    private double typical = Double.NaN;
    private int steps;
    private int recomputed;
    private int faults;
    private int skipped;

    /**
     * What the checks did so far.
     *
     * @param steps      steps attempted
     * @param recomputed passes run a second time because the first gradient was not finite or an outlier
     * @param faults     of those, the ones whose second result differed (the first was dropped)
     * @param skipped    steps left out because the gradient stayed non-finite
     */
    public record Counts(int steps, int recomputed, int faults, int skipped) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d of %d gradients recomputed (%d faulty, dropped), %d steps skipped",
                    recomputed, steps, faults, skipped);
        }
    }

    /** @return the counts so far */
    public Counts counts() {
        return new Counts(steps, recomputed, faults, skipped);
    }

    /**
     * Runs the pass in a gradient collector, back-propagates its loss, checks the gradient (running the pass again
     * if it looks faulty) and steps the trainer.
     *
     * @param trainer the trainer whose model's parameters receive the gradient
     * @param pass    the forward pass and loss of the step's batch; may be called twice, so it must not count
     *                anything itself (keep its outputs and count after the step)
     * @return the loss of the pass the step used, or NaN if the step was skipped
     * @throws IllegalStateException if too many steps had a gradient that stayed non-finite
     */
    public float step(Trainer trainer, Supplier<NDArray> pass) {
        return (float) step(weights(trainer), () -> backward(trainer, pass), trainer::step);
    }

    /**
     * The same, with the update applied by the given optimiser (the one in the trainer's configuration) straight to
     * the parameters: what {@link Trainer#step()} does, without its walk of the parameter store and its copy of every
     * gradient (DJL's LocalParameterServer duplicates each one for aggregation across devices; one device needs
     * none). The parameter ids are the store's, so optimiser state and learning-rate schedules are the same as
     * through the trainer, and so are the weights, bit for bit (GradientGuardTest). The update was the part of a
     * training step slowest against PyTorch (1.8x its time at batch 128, benchmarks/compute/run peer).
     *
     * @param trainer   the trainer whose model's parameters receive the gradient
     * @param optimizer the optimiser of the trainer's configuration
     * @param pass      as for {@link #step(Trainer, Supplier)}
     * @return the loss of the pass the step used, or NaN if the step was skipped
     * @throws IllegalStateException if too many steps had a gradient that stayed non-finite
     */
    public float step(Trainer trainer, Optimizer optimizer, Supplier<NDArray> pass) {
        if (parameters == null || trainerOf != trainer) {
            trainerOf = trainer;
            parameters = trained(trainer);
        }
        List<NDArray> w = new ArrayList<>(parameters.size());
        for (Parameter p : parameters) {
            if (p.getArray().hasGradient()) {
                w.add(p.getArray());
            }
        }
        return (float) step(w, () -> backward(trainer, pass), () -> update(optimizer, parameters));
    }

    private List<Parameter> parameters;
    private Trainer trainerOf;

    /** The parameters a trainer updates (those that require a gradient), looked up once per trainer. */
    private static List<Parameter> trained(Trainer trainer) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : trainer.getModel().getBlock().getParameters().values()) {
            if (p.requiresGradient() && p.isInitialized()) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * The optimiser's update of every parameter with a gradient, which the update then zeroes: the update of
     * {@link #step(Trainer, Optimizer, Supplier)}, for a loop without a trainer (pass it as that loop's update to
     * {@link #step(List, DoubleSupplier, Runnable)}).
     *
     * @param optimizer  the optimiser; its state (momentum, Adam's moments) is kept per parameter id
     * @param parameters the parameters to update, each with a unique id
     */
    public static void update(Optimizer optimizer, List<Parameter> parameters) {
        for (Parameter p : parameters) {
            NDArray w = p.getArray();
            if (w.hasGradient()) {
                try (NDArray g = w.getGradient()) {
                    optimizer.update(p.getId(), w, g);
                }
            }
        }
    }

    /**
     * The same check for a loop that updates the weights itself.
     *
     * @param weights  the arrays whose gradients the pass fills (zeroed here before a second pass)
     * @param backward runs the forward pass and back-propagation in a gradient collector and returns the loss; may
     *                 be called twice
     * @param update   applies the checked gradients; not called for a skipped step
     * @return the loss of the pass the step used, or NaN if the step was skipped
     * @throws IllegalStateException if too many steps had a gradient that stayed non-finite
     */
    public double step(List<NDArray> weights, DoubleSupplier backward, Runnable update) {
        double loss = backward.getAsDouble();
        double norm = norm(loss, weights);
        boolean trusted = steps >= WARM_UP && Double.isFinite(typical);
        steps++;
        if (!Double.isFinite(norm) || trusted && norm > OUTLIER * typical) {
            recomputed++;
            zero(weights);
            double again = backward.getAsDouble();
            double n2 = norm(again, weights);
            if (Double.isFinite(n2) && (!Double.isFinite(norm) || Math.abs(n2 - norm) > 1e-3 * norm)) {
                faults++;
            }
            loss = again;
            norm = n2;
        }
        if (!Double.isFinite(norm)) {
            zero(weights);
            skipped++;
            if (skipped > Math.max(3, steps / 100)) {
                throw new IllegalStateException("training diverged: " + skipped + " of the first " + steps
                        + " steps had a loss or gradient that is not finite (the last loss " + loss + ")");
            }
            return Double.NaN;
        }
        typical = Double.isFinite(typical) ? 0.95 * typical + 0.05 * Math.min(norm, OUTLIER * typical) : norm;
        update.run();
        return loss;
    }

    private static double backward(Trainer trainer, Supplier<NDArray> pass) {
        try (GradientCollector gc = trainer.newGradientCollector()) {
            NDArray l = pass.get();
            gc.backward(l);
            return value(l);
        }
    }

    /** @return the value of a one-element array of any floating type (float32 or float64 networks) */
    public static double value(NDArray scalar) {
        try (NDArray d = scalar.toType(DataType.FLOAT64, true)) {
            return d.getDouble();
        }
    }

    /** @return the arrays of the trainer's parameters that receive gradients */
    public static List<NDArray> weights(Trainer trainer) {
        List<NDArray> out = new ArrayList<>();
        for (Parameter p : trainer.getModel().getBlock().getParameters().values()) {
            if (p.requiresGradient() && p.isInitialized() && p.getArray().hasGradient()) {
                out.add(p.getArray());
            }
        }
        return out;
    }

    /**
     * @return the L2 norm of the gradients of the arrays; NaN if the loss or any entry is not finite. Each gradient
     *         is copied to Java once and summed here: one native call per array (a square and a sum per array
     *         tripled the time of the unique-information retraining, whose steps are a fraction of a millisecond)
     */
    static double norm(double loss, List<NDArray> weights) {
        if (!Double.isFinite(loss)) {
            return Double.NaN;
        }
        double sum = 0;
        for (NDArray w : weights) {
            try (NDArray g = w.getGradient()) {
                if (g.getDataType() == DataType.FLOAT64) {
                    for (double v : g.toDoubleArray()) {
                        sum += v * v;
                    }
                } else {
                    double part = 0;
                    for (float v : g.toType(DataType.FLOAT32, false).toFloatArray()) {
                        part += (double) v * v;
                    }
                    if (part > Float.MAX_VALUE) {
                        return Double.POSITIVE_INFINITY; // its square overflows float32, and with it Adam's moments
                    }
                    sum += part;
                }
            }
        }
        return Math.sqrt(sum); // NaN or infinite if any entry is
    }

    /** Sets the gradients to zero in place, NaN and infinite entries included (so {@code subi(self)} will not do). */
    static void zero(List<NDArray> weights) {
        for (NDArray w : weights) {
            try (NDArray g = w.getGradient()) {
                Scalars.muli(g, 0);
                try (NDArray bad = g.isNaN()) {
                    g.set(bad, 0);
                }
            }
        }
    }
}
