package org.modelkit.normalizer.eman.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.modelkit.compute.api.normalizer.Normalizer;
import org.modelkit.nn.CountingBatchNorm;
import org.modelkit.nn.Scalars;

/**
 * The two teachers of the EMAN paper, on DJL parameters, entirely on the device.
 *
 * <ul>
 * <li>"eman": every state entry follows the student, {@code v' <- m·v' + (1-m)·v}, the batch-norm
 * running mean and variance included, step counters ({@link CountingBatchNorm#COUNTER}) copied; the
 * teacher always runs in inference mode, so its output for a sample depends on that sample only.</li>
 * <li>"bn": the conventional mean teacher (MoCo's and BYOL's key encoder): only the learnable
 * parameters follow the student, and the teacher normalises with the statistics of the batch it is
 * given; its stored statistics are left as they were by each forward pass.</li>
 * </ul>
 *
 * <p>The average is computed in place as {@code v' <- (v' - v)·m + v}: three in-place operations per
 * entry and no temporary array, which equals {@code m·v' + (1-m)·v} up to float rounding. Copies use
 * {@code intern(duplicate())}, a device-side clone, because DJL's default {@code copyTo} goes through a
 * Java buffer.
 */
public class EmaNormalizer implements Normalizer {
    private final String name;
    private final boolean batchStatistics;

    /**
     * @param name            "eman" or "bn"
     * @param batchStatistics false for EMAN (stored statistics), true for the conventional teacher
     */
    public EmaNormalizer(String name, boolean batchStatistics) {
        this.name = name;
        this.batchStatistics = batchStatistics;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void initialize(Block student, Block teacher) {
        for (Pair<Parameter, Parameter> p : pairs(student, teacher)) {
            NDArray t = p.getValue().getArray();
            t.intern(p.getKey().getArray().stopGradient().duplicate());
            t.setRequiresGradient(false);
        }
    }

    @Override
    public void update(Block student, Block teacher, double momentum) {
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("momentum " + momentum + " must lie in [0, 1]");
        }
        List<Pair<Parameter, Parameter>> pairs = pairs(student, teacher);
        float m = (float) momentum;
        for (Pair<Parameter, Parameter> p : pairs) {
            Parameter s = p.getKey();
            // the student's arrays are read through stopGradient(): PyTorch's grad mode is per thread and on by
            // default in threads other than the one that initialised DJL, and an in-place update with an
            // operand that requires a gradient would chain every step into the teacher's autograd graph
            NDArray v = s.getArray().stopGradient();
            if (!batchStatistics && isCounter(s)) {
                p.getValue().getArray().intern(v.duplicate());
            } else if (!batchStatistics || s.requiresGradient()) {
                Scalars.muli(p.getValue().getArray().subi(v), m).addi(v);
            }
        }
    }

    @Override
    public NDList teacherForward(Block teacher, ParameterStore store, NDList inputs) {
        if (!batchStatistics) {
            return detached(teacher.forward(store, inputs, false));
        }
        // batch statistics, as a conventional teacher in training mode; the forward pass would move the
        // stored statistics (and counters), so they are put back afterwards, on the device
        List<NDArray> state = new ArrayList<>();
        List<NDArray> saved = new ArrayList<>();
        for (Pair<String, Parameter> p : teacher.getParameters()) {
            if (!p.getValue().requiresGradient()) {
                state.add(p.getValue().getArray());
                saved.add(p.getValue().getArray().duplicate());
            }
        }
        try {
            return detached(teacher.forward(store, inputs, true));
        } finally {
            for (int i = 0; i < state.size(); i++) {
                state.get(i).intern(saved.get(i));
            }
        }
    }

    private static NDList detached(NDList out) {
        NDList d = new NDList(out.size());
        for (NDArray a : out) {
            d.add(a.stopGradient());
        }
        return d;
    }

    private static boolean isCounter(Parameter p) {
        return p.getName().equals(CountingBatchNorm.COUNTER) || p.getName().endsWith("num_batches_tracked");
    }

    /** The student's and teacher's parameters side by side, checked for equal names and shapes. */
    static List<Pair<Parameter, Parameter>> pairs(Block student, Block teacher) {
        if (student == null || teacher == null) {
            throw new IllegalArgumentException("student and teacher must be given");
        }
        if (student == teacher) {
            throw new IllegalArgumentException("student and teacher must be two blocks, got the same one twice");
        }
        PairList<String, Parameter> s = student.getParameters();
        PairList<String, Parameter> t = teacher.getParameters();
        if (s.size() != t.size()) {
            throw new IllegalArgumentException("student has " + s.size() + " parameters, teacher " + t.size()
                    + ": the blocks differ in structure");
        }
        List<Pair<Parameter, Parameter>> out = new ArrayList<>(s.size());
        for (int i = 0; i < s.size(); i++) {
            Parameter a = s.valueAt(i);
            Parameter b = t.valueAt(i);
            if (!s.keyAt(i).equals(t.keyAt(i))) {
                throw new IllegalArgumentException("parameter " + i + " is '" + s.keyAt(i) + "' in the student but '"
                        + t.keyAt(i) + "' in the teacher");
            }
            if (!a.isInitialized() || !b.isInitialized()) {
                throw new IllegalArgumentException("parameter '" + s.keyAt(i) + "' is not initialised in the "
                        + (a.isInitialized() ? "teacher" : "student"));
            }
            if (!a.getArray().getShape().equals(b.getArray().getShape())) {
                throw new IllegalArgumentException("parameter '" + s.keyAt(i) + "' has shape " + a.getArray().getShape()
                        + " in the student but " + b.getArray().getShape() + " in the teacher");
            }
            out.add(new Pair<>(a, b));
        }
        return out;
    }
}
