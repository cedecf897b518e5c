package org.modelkit.linearizer.lqf.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.finetune.FineTuneRequest;
import org.modelkit.api.finetune.FineTuneResult;
import org.modelkit.api.finetune.Solver;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.api.linearizer.LinearizedBatch;
import org.modelkit.compute.api.linearizer.LinearizedModel;
import org.modelkit.compute.api.linearizer.Linearizer;
import org.modelkit.compute.api.linearizer.Preconditioner;
import org.modelkit.io.AtomicFiles;
import org.modelkit.io.FormatException;
import org.modelkit.io.Json;
import org.modelkit.io.ResultFolders;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Training;

/**
 * LQF fine-tuning (Achille et al., arXiv:2012.11140), as reconstructed in the bundle README:
 * <ol>
 * <li>the pre-trained network gets a new head for the target classes, small random weights (std 0.01);</li>
 * <li>the last k layers with parameters are linearized around these weights w0;</li>
 * <li>the quadratic {@link Quadratic} objective is minimised by K-FAC or gradient descent;</li>
 * <li>predictions are {@code argmax f0(x) + J(x)(w - w0)}.</li>
 * </ol>
 * This class runs the job: it dispatches to the solver and evaluates; the head surgery and the linear
 * probe are {@link Heads}, the objective {@link Quadratic}, the result folder {@link LqfFiles}.
 */
final class FineTuning {
    private final LqfSettings settings;
    private final Linearizer linearizer;
    private final TensorBackend backend;

    /**
     * @param settings   the LQF constants
     * @param linearizer builds the linearized models (the Linearizer service)
     * @param backend    every manager comes from it
     */
    FineTuning(LqfSettings settings, Linearizer linearizer, TensorBackend backend) {
        this.settings = settings;
        this.linearizer = linearizer;
        this.backend = backend;
    }

    FineTuneResult run(FineTuneRequest r, Progress progress) throws IOException {
        try (NDManager m = backend.newManager()) {
            ModelFiles.Loaded pre = ModelFiles.load(r.pretrained(), m);
            checkShape(pre.spec(), r.train(), "training set");
            if (r.test() != null) {
                checkShape(pre.spec(), r.test(), "test set");
            }
            int classes = r.train().classCount();
            ModelSpec spec = new ModelSpec(pre.spec().architecture(), classes, pre.spec().nonlinearity(),
                    pre.spec().batchNorm(), pre.spec().hidden(), pre.spec().input());
            m.getEngine().setRandomSeed((int) r.seed());
            Block net = spec.build();
            net.initialize(m, DataType.FLOAT32, spec.batchShape(1));
            List<List<String>> layers = org.modelkit.nn.Layers.withParameters(net);
            List<String> head = layers.get(layers.size() - 1);
            Heads.copyExcept(pre.block(), net, Set.copyOf(head));
            NDArray x = Datasets.rows(m, r.train().features(), org.modelkit.api.data.Sampling.range(r.train().size()));
            NDArray labels = m.create(longs(r.train().labels()));
            if (settings.headScale() == 0) {
                Heads.fitHead(net, x, labels, classes, settings.alpha(), settings.weightDecay()); // start from the linear probe
            } else {
                Heads.initHead(net, r.seed(), settings.headScale());
            }
            List<String> selected = org.modelkit.nn.Layers.last(layers, r.linearizedLayers());
            LinearizedModelFit fit = fit(net, selected, x, labels, r.solver(), r.steps(), progress);
            try (fit) {
                double train = accuracy(fit.model, fit.delta, r.train(), m);
                double test = r.test() == null ? Double.NaN : accuracy(fit.model, fit.delta, r.test(), m);
                if (r.output() != null) {
                    LqfFiles.save(r.output(), spec, net, fit.delta, new LqfFiles.LqfFile(fit.model.parameterNames(),
                            settings.alpha(), settings.weightDecay(), r.solver().label(), r.steps(), fit.loss));
                }
                // the baseline: the same network with only a new head, fit by ridge regression (the linearized
                // model holds copies of w0, so refitting the block's head does not touch it)
                double probe = Double.NaN;
                if (r.test() != null) {
                    Heads.fitHead(net, x, labels, classes, settings.alpha(), settings.weightDecay());
                    probe = blockAccuracy(net, r.test(), m);
                }
                return new FineTuneResult(r.solver(), fit.loss, train, test, probe, fit.model.parameterCount(), backend.id(),
                        r.output());
            }
        }
    }

    /** Accuracy of the block's own inference output. */
    private double blockAccuracy(Block net, LabelledSet set, NDManager m) {
        return set.accuracy(Training.predict(net, m, set.features(), settings.evalBatchSize()));
    }

    /** A linearized model, its fitted step, and the loss per step. */
    static final class LinearizedModelFit implements AutoCloseable {
        final LinearizedModel model;
        final NDList delta;
        final double[] loss;

        LinearizedModelFit(LinearizedModel model, NDList delta, double[] loss) {
            this.model = model;
            this.delta = delta;
            this.loss = loss;
        }

        @Override
        public void close() {
            delta.close();
            model.close();
        }
    }

    /** Linearizes the selected parameters of an initialised network and minimises the LQF objective from δ = 0. */
    LinearizedModelFit fit(Block net, List<String> selected, NDArray x, NDArray labels, Solver solver, int steps,
            Progress progress) {
        return fit(net, selected, x, labels, solver, steps, progress, null);
    }

    /** The same from a given start δ0 (aligned with the selected parameters), or zeros if null. */
    LinearizedModelFit fit(Block net, List<String> selected, NDArray x, NDArray labels, Solver solver, int steps,
            Progress progress, NDList start) {
        NDManager m = x.getManager();
        LinearizedModel model = linearizer.linearize(net, Set.copyOf(selected)::contains, m);
        try (Quadratic q = new Quadratic(model, x, labels, settings.alpha(), settings.weightDecay())) {
            NDList delta = start == null ? q.zeros(m) : start;
            double[] loss;
            if (solver == Solver.KFAC) {
                try (Preconditioner kfac = q.batch().kfac(settings.damping())) {
                    loss = q.minimise(delta, solver, kfac, settings.kfacRate(), steps, progress);
                }
            } else {
                double rate = settings.gdRate() > 0 ? settings.gdRate() : 1.9 / q.largestEigenvalue();
                loss = q.minimise(delta, solver, null, rate, steps, progress);
            }
            return new LinearizedModelFit(model, delta, loss);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Scores f0(x) + J(x)δ (δ null: f0) of a set, in batches. */
    NDArray scores(LinearizedModel model, NDList delta, Tensor features, NDManager m) {
        List<NDArray> parts = new ArrayList<>();
        int n = features.dim(0);
        for (int s = 0; s < n; s += settings.evalBatchSize()) {
            int[] rows = new int[Math.min(settings.evalBatchSize(), n - s)];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = s + i;
            }
            try (NDManager sub = m.newSubManager()) {
                NDArray xb = Datasets.rows(sub, features, rows);
                try (LinearizedBatch b = model.at(xb)) { // one primal pass for f0 and J·δ
                    NDArray y;
                    if (delta == null) {
                        y = b.f0().duplicate();
                    } else {
                        sub.tempAttachAll(delta); // J·δ lands in δ's manager: here, for this batch only
                        y = b.f0().add(b.jvp(delta));
                    }
                    y.attach(m);
                    parts.add(y);
                }
            }
        }
        return ai.djl.ndarray.NDArrays.concat(new NDList(parts));
    }

    private double accuracy(LinearizedModel model, NDList delta, LabelledSet set, NDManager m) {
        try (NDManager sub = m.newSubManager()) {
            return set.accuracy(scores(model, delta, set.features(), sub).argMax(1)
                    .toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray());
        }
    }

    private static void checkShape(ModelSpec spec, LabelledSet set, String what) {
        int[] shape = set.features().shape();
        if (!spec.accepts(Arrays.copyOfRange(shape, 1, shape.length))) {
            throw new IllegalArgumentException("the " + what + " has samples of shape "
                    + Arrays.toString(Arrays.copyOfRange(shape, 1, shape.length)) + " but the model " + spec + " takes "
                    + Arrays.toString(spec.input()));
        }
    }

    /**
     * @param dir      a directory written by a fine-tuning job
     * @param features samples
     * @return the predicted classes
     */
    int[] predict(Path dir, Tensor features) throws IOException {
        try (NDManager m = backend.newManager()) {
            LqfFiles.Read saved = LqfFiles.read(dir, m);
            int[] shape = features.shape();
            if (!saved.w0().spec().accepts(Arrays.copyOfRange(shape, 1, shape.length))) {
                throw new IllegalArgumentException("samples of shape " + Arrays.toString(Arrays.copyOfRange(shape, 1,
                        shape.length)) + " do not fit the model " + saved.w0().spec());
            }
            Predicate<String> selected = Set.copyOf(saved.info().linearized())::contains;
            try (LinearizedModel model = linearizer.linearize(saved.w0().block(), selected, m)) {
                NDList delta = saved.delta();
                String mismatch = LqfFiles.mismatch(delta, model.weights0());
                if (mismatch != null) {
                    throw new FormatException(dir.resolve(LqfFiles.DELTA), "the saved step " + mismatch);
                }
                long[] p = scores(model, delta, features, m).argMax(1).toLongArray();
                int[] out = new int[p.length];
                for (int i = 0; i < p.length; i++) {
                    out[i] = (int) p[i];
                }
                return out;
            }
        }
    }


    static long[] longs(int[] a) {
        long[] l = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            l[i] = a[i];
        }
        return l;
    }
}
