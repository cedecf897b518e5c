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
 * The result directory holds the w0 network ({@code model.json}, {@code parameters.params}), the step
 * {@code delta.params} (DJL's NDList encoding) and {@code lqf.json}; each file is written atomically,
 * after the last step.
 */
final class FineTuning {
    static final String DELTA = "delta.params";
    static final String LQF = "lqf.json";

    /** What lqf.json holds. */
    record LqfFile(List<String> linearized, double alpha, double weightDecay, String solver, int steps, double[] loss) {
    }

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
            List<List<String>> layers = layers(net);
            List<String> head = layers.get(layers.size() - 1);
            copyExcept(pre.block(), net, Set.copyOf(head));
            NDArray x = Datasets.rows(m, r.train().features(), org.modelkit.api.data.Sampling.range(r.train().size()));
            NDArray labels = m.create(longs(r.train().labels()));
            if (settings.headScale() == 0) {
                fitHead(net, x, labels, classes); // start from the linear probe
            } else {
                initHead(net, r.seed());
            }
            List<String> selected = select(layers, r.linearizedLayers());
            LinearizedModelFit fit = fit(net, selected, x, labels, r.solver(), r.steps(), progress);
            try (fit) {
                double train = accuracy(fit.model, fit.delta, r.train(), m);
                double test = r.test() == null ? Double.NaN : accuracy(fit.model, fit.delta, r.test(), m);
                if (r.output() != null) {
                    save(r.output(), spec, net, fit, r);
                }
                // the baseline: the same network with only a new head, fit by ridge regression (the linearized
                // model holds copies of w0, so refitting the block's head does not touch it)
                double probe = Double.NaN;
                if (r.test() != null) {
                    fitHead(net, x, labels, classes);
                    probe = blockAccuracy(net, r.test(), m);
                }
                return new FineTuneResult(r.solver(), fit.loss, train, test, probe, fit.model.parameterCount(), backend.id(),
                        r.output());
            }
        }
    }

    /** The new head: weights N(0, headScale²) from the seed, bias 0. */
    void initHead(Block net, long seed) {
        Block head = last((SequentialBlock) net);
        java.util.Random rnd = new java.util.Random(seed);
        for (Pair<String, Parameter> p : head.getDirectParameters()) {
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            if (p.getKey().equals("weight")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rnd.nextGaussian() * settings.headScale());
                }
            }
            a.set(v);
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

    // ------------------------------------------------------------------ head and layers

    private static void checkShape(ModelSpec spec, LabelledSet set, String what) {
        int[] shape = set.features().shape();
        if (!spec.accepts(Arrays.copyOfRange(shape, 1, shape.length))) {
            throw new IllegalArgumentException("the " + what + " has samples of shape "
                    + Arrays.toString(Arrays.copyOfRange(shape, 1, shape.length)) + " but the model " + spec + " takes "
                    + Arrays.toString(spec.input()));
        }
    }

    /** Learnable parameter names grouped by layer (the name up to its last '_'), in network order. */
    static List<List<String>> layers(Block net) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            if (p.getValue().requiresGradient()) {
                String name = p.getKey();
                groups.computeIfAbsent(name.substring(0, Math.max(0, name.lastIndexOf('_'))), k -> new ArrayList<>()).add(name);
            }
        }
        return new ArrayList<>(groups.values());
    }

    /** The parameters of the last k layers (all for k = 0). */
    static List<String> select(List<List<String>> layers, int k) {
        if (k > layers.size()) {
            throw new IllegalArgumentException("linearizedLayers = " + k + " but the network has " + layers.size()
                    + " layers with parameters");
        }
        List<String> out = new ArrayList<>();
        for (List<String> l : layers.subList(k == 0 ? 0 : layers.size() - k, layers.size())) {
            out.addAll(l);
        }
        return out;
    }

    private static void copyExcept(Block from, Block to, Set<String> skip) {
        Map<String, Parameter> src = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : from.getParameters()) {
            src.put(p.getKey(), p.getValue());
        }
        for (Pair<String, Parameter> p : to.getParameters()) {
            if (!skip.contains(p.getKey())) {
                Parameter s = src.get(p.getKey());
                if (s == null || !s.getArray().getShape().equals(p.getValue().getArray().getShape())) {
                    throw new IllegalArgumentException("pre-trained parameter '" + p.getKey() + "' is missing or has another"
                            + " shape");
                }
                p.getValue().getArray().intern(s.getArray().stopGradient().duplicate());
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }

    /**
     * Fits the head (the last child, a Linear layer) by ridge regression on the features the rest of the
     * network computes: {@code min 1/(2N)||Φ̃W - αY||² + λ/2||W||²}, in the dual form when there are fewer
     * samples than features (EJML, double precision).
     */
    void fitHead(Block net, NDArray x, NDArray labels, int classes) {
        if (!(net instanceof SequentialBlock seq) || !(last(seq) instanceof Linear)) {
            throw new IllegalArgumentException("the network must be a SequentialBlock ending in a Linear head");
        }
        try (NDManager sub = x.getManager().newSubManager()) {
            NDArray phi = x;
            ai.djl.nn.BlockList children = seq.getChildren();
            ParameterStore store = new ParameterStore(sub, false);
            for (int i = 0; i < children.size() - 1; i++) {
                phi = children.get(i).getValue().forward(store, new NDList(phi), false).singletonOrThrow().stopGradient();
            }
            phi = phi.reshape(phi.getShape().get(0), -1).toType(DataType.FLOAT64, false);
            phi.attach(sub);
            long n = phi.getShape().get(0);
            long f = phi.getShape().get(1);
            NDArray ones = sub.ones(new Shape(n, 1), DataType.FLOAT64);
            NDArray phit = phi.concat(ones, 1); // [n, f + 1]
            NDArray y = labels.oneHot(classes).toType(DataType.FLOAT64, false).mul(settings.alpha());
            y.attach(sub);
            double ridge = n * settings.weightDecay();
            NDArray w; // [f + 1, classes]
            if (n <= f + 1) {
                DMatrixRMaj k = matrix(phit.matMul(phit.transpose()));
                addDiagonal(k, ridge);
                DMatrixRMaj a = new DMatrixRMaj(k.numRows, classes);
                if (!CommonOps_DDRM.solveSPD(k, matrix(y), a)) {
                    throw new IllegalStateException("the linear probe's kernel matrix is singular");
                }
                w = phit.transpose().matMul(sub.create(a.getData(), new Shape(n, classes)));
            } else {
                DMatrixRMaj g = matrix(phit.transpose().matMul(phit));
                addDiagonal(g, ridge);
                DMatrixRMaj out = new DMatrixRMaj(g.numRows, classes);
                if (!CommonOps_DDRM.solveSPD(g, matrix(phit.transpose().matMul(y)), out)) {
                    throw new IllegalStateException("the linear probe's Gram matrix is singular");
                }
                w = sub.create(out.getData(), new Shape(f + 1, classes));
            }
            Block headBlock = last(seq);
            for (Pair<String, Parameter> p : headBlock.getDirectParameters()) {
                NDArray target = p.getValue().getArray();
                NDArray v = p.getKey().equals("weight") ? w.get(new NDIndex("0:" + f + ", :")).transpose()
                        : w.get(new NDIndex(f + ", :"));
                target.intern(v.toType(target.getDataType(), false).reshape(target.getShape()).stopGradient().duplicate());
                target.setRequiresGradient(true);
            }
        }
    }

    private static Block last(SequentialBlock seq) {
        ai.djl.nn.BlockList c = seq.getChildren();
        return c.get(c.size() - 1).getValue();
    }

    private static DMatrixRMaj matrix(NDArray a) {
        return new DMatrixRMaj((int) a.getShape().get(0), (int) a.getShape().get(1), true,
                a.toType(DataType.FLOAT64, false).toDoubleArray());
    }

    private static void addDiagonal(DMatrixRMaj a, double v) {
        for (int i = 0; i < a.numRows; i++) {
            a.add(i, i, v);
        }
    }

    // ------------------------------------------------------------------ files

    /** The model folder is built beside {@code dir} and published as a whole (with a manifest of digests). */
    private void save(Path dir, ModelSpec spec, Block net, LinearizedModelFit fit, FineTuneRequest r) throws IOException {
        Path staged = ResultFolders.stage(dir);
        try {
            AtomicFiles.write(staged.resolve(DELTA), out -> fit.delta.encode(out));
            Json.write(staged.resolve(LQF), new LqfFile(fit.model.parameterNames(), settings.alpha(), settings.weightDecay(),
                    r.solver().label(), r.steps(), fit.loss));
            ModelFiles.save(staged, spec, net);
            ResultFolders.publish(staged, dir);
        } catch (IOException | RuntimeException e) {
            ResultFolders.discard(staged);
            throw e;
        }
    }

    /**
     * @param dir      a directory written by a fine-tuning job
     * @param features samples
     * @return the predicted classes
     */
    int[] predict(Path dir, Tensor features) throws IOException {
        ResultFolders.verify(dir); // refuses a folder whose files do not belong together, naming the file
        try (NDManager m = backend.newManager()) {
            ModelFiles.Loaded w0 = ModelFiles.load(dir, m);
            int[] shape = features.shape();
            if (!w0.spec().accepts(Arrays.copyOfRange(shape, 1, shape.length))) {
                throw new IllegalArgumentException("samples of shape " + Arrays.toString(Arrays.copyOfRange(shape, 1,
                        shape.length)) + " do not fit the model " + w0.spec());
            }
            if (!Files.exists(dir.resolve(LQF)) || !Files.exists(dir.resolve(DELTA))) {
                throw new FormatException(dir, "is not a fine-tuned model (no " + LQF + " or " + DELTA + ")");
            }
            LqfFile info = Json.read(dir.resolve(LQF), LqfFile.class);
            Predicate<String> selected = Set.copyOf(info.linearized())::contains;
            try (LinearizedModel model = linearizer.linearize(w0.block(), selected, m);
                    InputStream in = Files.newInputStream(dir.resolve(DELTA))) {
                NDList delta = NDList.decode(m, in);
                String mismatch = mismatch(delta, model.weights0());
                if (mismatch != null) {
                    throw new FormatException(dir.resolve(DELTA), "the saved step " + mismatch);
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


    /** Why a step does not fit the linearized parameters, or null if it does. */
    static String mismatch(NDList delta, NDList w0) {
        if (delta.size() != w0.size()) {
            return "holds " + delta.size() + " arrays, the model " + w0.size() + " linearized parameters";
        }
        for (int i = 0; i < w0.size(); i++) {
            if (!delta.get(i).getShape().equals(w0.get(i).getShape())) {
                return "[" + i + "] has shape " + delta.get(i).getShape() + ", the parameter " + w0.get(i).getShape();
            }
        }
        return null;
    }

    static long[] longs(int[] a) {
        long[] l = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            l[i] = a[i];
        }
        return l;
    }
}
