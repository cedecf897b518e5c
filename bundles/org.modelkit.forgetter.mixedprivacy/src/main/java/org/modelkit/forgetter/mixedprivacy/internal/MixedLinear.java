package org.modelkit.forgetter.mixedprivacy.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.data.Tensor;
import org.modelkit.compute.api.linearizer.LinearizedBatch;
import org.modelkit.compute.api.linearizer.LinearizedModel;
import org.modelkit.compute.api.linearizer.Linearizer;
import org.modelkit.compute.api.linearizer.Preconditioner;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.Layers;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Scalars;

/**
 * The mixed-linear model of mixed-privacy forgetting, {@code f_ML(x) = f(x; w_c) + J_{w_c}(x)·w_u}: the
 * core network w_c (a model folder) with its last k layers linearized at w_c through the
 * {@link Linearizer} service; the user weights w_u are a tangent of those layers, held as one flat
 * vector of P scalars. Everything runs in float64 on the manager it is given (a sub-manager of the
 * bound backend's), so a conjugate-gradient solve can reach a relative residual of 1e-10: in float32 the
 * products alone carry errors near 1e-7, which the conditioning of H (λ = 1e-3) multiplies.
 */
final class MixedLinear implements AutoCloseable {
    private final NDManager manager;
    private final DataType type;
    private final ModelSpec spec;
    private final LinearizedModel model;
    private final Shape[] shapes;
    private final long[] offsets;

    private MixedLinear(NDManager manager, ModelSpec spec, LinearizedModel model, DataType type) {
        this.manager = manager;
        this.type = type;
        this.spec = spec;
        this.model = model;
        NDList w0 = model.weights0();
        shapes = new Shape[w0.size()];
        offsets = new long[w0.size() + 1];
        for (int i = 0; i < w0.size(); i++) {
            shapes[i] = w0.get(i).getShape();
            offsets[i + 1] = offsets[i] + shapes[i].size();
        }
    }

    /**
     * @param core       a model folder (model.json, parameters.params)
     * @param linearizer the Linearizer service
     * @param manager    where everything lives (closed by the caller)
     * @param layers     how many of the last layers with parameters hold the user weights
     * @return the mixed-linear model at w_c
     * @throws IllegalArgumentException naming the folder if it holds no model, or k does not fit it
     * @throws IOException              if the files cannot be read
     */
    static MixedLinear load(Path core, Linearizer linearizer, NDManager manager, int layers) throws IOException {
        return load(core, linearizer, manager, layers, DataType.FLOAT64);
    }

    /**
     * {@link #load(Path, Linearizer, NDManager, int)} in float64 (the service, the tests) or float32: the
     * Fashion-MNIST benchmark's capped solves over 10,000 images, where PyTorch's float64 convolutions on
     * the CPU cost several times the float32 ones and a relative residual near 1e-10 is not the aim.
     */
    static MixedLinear load(Path core, Linearizer linearizer, NDManager manager, int layers, DataType type)
            throws IOException {
        if (type != DataType.FLOAT64 && type != DataType.FLOAT32) {
            throw new IllegalArgumentException("the mixed-linear model computes in float64 or float32, not " + type);
        }
        ModelFiles.Loaded loaded = ModelFiles.load(core, manager);
        Block net = type == DataType.FLOAT64 ? org.modelkit.nn.Networks.float64(loaded, manager) : loaded.block();
        List<String> selected = Layers.last(Layers.withParameters(net), layers);
        return new MixedLinear(manager, loaded.spec(), linearizer.linearize(net, Set.copyOf(selected)::contains, manager),
                type);
    }

    /** @return the manager everything lives in */
    NDManager manager() {
        return manager;
    }

    /** @return the names of the linearized parameters, in the order of the flat vector */
    List<String> parameterNames() {
        return model.parameterNames();
    }

    /** @return P, the number of user weights */
    long size() {
        return offsets[offsets.length - 1];
    }

    /** @return a zero vector of user weights */
    NDArray zeros() {
        return manager.zeros(new Shape(size()), type);
    }

    /**
     * @param values P doubles
     * @return them as a vector of user weights
     */
    NDArray vector(double[] values) {
        if (values.length != size()) {
            throw new IllegalArgumentException("user weights hold " + values.length + " values, the model " + size());
        }
        return manager.create(values).toType(type, false);
    }

    /** The flat vector's pieces, shaped like the linearized parameters, in v's manager. */
    NDList split(NDArray v) {
        NDList out = new NDList(shapes.length);
        for (int i = 0; i < shapes.length; i++) {
            out.add(v.get(offsets[i] + ":" + offsets[i + 1]).reshape(shapes[i]));
        }
        return out;
    }

    /** The parameters' pieces as one flat vector, in the first piece's manager. */
    static NDArray flat(NDList pieces) {
        NDList r = new NDList(pieces.size());
        for (NDArray a : pieces) {
            r.add(a.reshape(-1));
        }
        return NDArrays.concat(r);
    }

    /**
     * Binds a labelled set: its primal pass is done once and every product reuses it.
     *
     * @param set   the samples
     * @param alpha the target scale: sample i's target is α·e_{y_i}
     * @return the bound set; close it when done
     * @throws IllegalArgumentException if the samples do not fit the core network's input or classes
     */
    Data bind(LabelledSet set, double alpha) {
        long values = 1;
        for (int d : sampleShape(set.features())) {
            values *= d;
        }
        return bind(set, alpha, chunkRows(values), set.size() <= RETAIN);
    }

    /**
     * {@link #bind(LabelledSet, double)} in chunks of the given number of rows, keeping their primal passes
     * or not (tests: any chunking is the same).
     */
    Data bind(LabelledSet set, double alpha, int chunk, boolean retain) {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk = " + chunk + " must be at least 1");
        }
        if (!spec.accepts(set.features().shape()) && !spec.accepts(sampleShape(set.features()))) {
            throw new IllegalArgumentException("samples of shape " + java.util.Arrays.toString(sampleShape(set.features()))
                    + " do not fit the core model's input " + java.util.Arrays.toString(spec.input()));
        }
        for (int y : set.labels()) {
            if (y >= model.outputs()) {
                throw new IllegalArgumentException("label " + y + " is not one of the core model's " + model.outputs()
                        + " classes");
            }
        }
        return new Data(set, alpha, chunk, retain);
    }

    private static int[] sampleShape(Tensor t) {
        return java.util.Arrays.copyOfRange(t.shape(), 1, t.rank());
    }

    @Override
    public void close() {
        model.close();
    }

    /**
     * Input values per chunk: a chunk holds {@code CHUNK_VALUES / (values per sample)} rows, between 64
     * and 4,096, so that one chunk's primal pass and the graph of one Jᵀu over it stay small enough for
     * the CPU's caches and the allocator's reuse, while small samples keep few chunks (every chunk is a
     * separate pass, and a conjugate-gradient solve on digits makes thousands). Digits (64 values): one
     * chunk of up to 4,096 rows; Fashion-MNIST (784): 334 rows. Measured on the Fashion-MNIST CNN (10,000
     * images, float32, streamed): chunks of 2,048 rows made one Hessian-vector product 40 s, most of it
     * page faults on activations of hundreds of MB each; 256 rows, 7 s.
     */
    static final int CHUNK_VALUES = 1 << 18;

    /** @return the rows per chunk for samples of this many values */
    static int chunkRows(long valuesPerSample) {
        return (int) Math.max(64, Math.min(4096, CHUNK_VALUES / Math.max(1, valuesPerSample)));
    }
    /** Rows that estimate the K-FAC factors of a larger selection. */
    static final int KFAC_SAMPLE = 2048;
    /**
     * Sets of up to this many rows keep every chunk's recorded primal pass; larger ones redo a chunk's
     * primal pass in each product (about a third more work), since for images the recorded passes take
     * near 1 MB per sample in float64 (the small CNN's activations and masks): 10,000 Fashion-MNIST images
     * would hold about 9 GB.
     */
    static final int RETAIN = 4096;

    /**
     * A bound labelled set and the quadratic objective over a chosen subset of its rows. The set is bound
     * in chunks ({@link #chunkRows}): J·v concatenates the chunks' products and Jᵀu sums them, so no
     * single pass (or backward graph) spans 10,000 images; see {@link #RETAIN} for when the chunks' primal
     * passes are kept.
     */
    final class Data implements AutoCloseable {
        private final NDManager own;
        private final List<int[]> chunks = new java.util.ArrayList<>();
        private final List<LinearizedBatch> batches = new java.util.ArrayList<>();
        private final boolean retained;
        private final NDArray f0;
        private final NDArray targets;
        private final int n;
        private final LabelledSet set;

        private Data(LabelledSet set, double alpha, int chunk, boolean retain) {
            this.set = set;
            own = manager.newSubManager();
            n = set.size();
            retained = retain;
            try {
                NDList f = new NDList();
                for (int from = 0; from < n; from += chunk) {
                    int[] rows = java.util.stream.IntStream.range(from, Math.min(n, from + chunk)).toArray();
                    chunks.add(rows);
                    if (retained) {
                        LinearizedBatch b = model.at(Datasets.rows(own, set.features(), rows).toType(type, false));
                        batches.add(b);
                        f.add(b.f0());
                    } else {
                        try (NDManager t = own.newSubManager()) {
                            NDArray fc = onChunk(chunks.size() - 1, t, b -> {
                                NDArray d = b.f0().duplicate();
                                d.attach(t);
                                return d;
                            });
                            fc.attach(own);
                            f.add(fc);
                        }
                    }
                }
                f0 = f.size() == 1 ? f.get(0) : NDArrays.concat(f);
                long[] labels = new long[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = set.label(i);
                }
                targets = Scalars.mul(own.create(labels).oneHot(model.outputs(), type), alpha);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Applies f to chunk i's bound batch: the kept one, or one bound in t for this call. */
        private <R> R onChunk(int i, NDManager t, java.util.function.Function<LinearizedBatch, R> f) {
            if (retained) {
                return f.apply(batches.get(i));
            }
            NDArray x = Datasets.rows(t, set.features(), chunks.get(i)).toType(type, false);
            try (LinearizedBatch b = model.at(x)) {
                return f.apply(b);
            }
        }

        /** @return the number of samples */
        int size() {
            return n;
        }

        /** @return a row mask [n, 1] of float64: 1 for the given rows, 0 elsewhere, in the model's manager */
        NDArray mask(int[] rows) {
            double[] m = new double[n];
            for (int r : rows) {
                m[r] = 1;
            }
            return manager.create(m, new Shape(n, 1)).toType(type, false);
        }

        /**
         * K-FAC curvature of some rows, as a preconditioner for H over them (damping λ). Its Kronecker
         * factors are averages over samples: beyond {@link #KFAC_SAMPLE} rows they are estimated from a
         * seeded sample of that many (a preconditioner only changes how fast CG converges, never where to).
         *
         * @param rows    the rows
         * @param damping γ
         * @return (JᵀJ/N + γ)⁻¹ in Kronecker-factored form; close it when done
         */
        Preconditioner kfac(int[] rows, double damping) {
            if (rows.length > KFAC_SAMPLE) {
                int[] p = Sampling.permutation(rows.length, new java.util.Random(rows.length));
                int[] sample = new int[KFAC_SAMPLE];
                for (int i = 0; i < KFAC_SAMPLE; i++) {
                    sample[i] = rows[p[i]];
                }
                rows = sample;
            }
            try (NDManager t = manager.newSubManager()) {
                NDArray x = Datasets.rows(t, set.features(), rows).toType(type, false);
                try (LinearizedBatch b = model.at(x)) {
                    return b.kfac(damping);
                }
            }
        }

        /**
         * @param rows some rows
         * @return their Jacobian rows {@code [rows·k, P]} (row i·k + c: output c of the i-th given row) in
         *         the flat vector's order, and their f0 {@code [rows, k]}, in the model's manager
         */
        NDList jacobian(int[] rows) {
            NDManager t = manager.newSubManager();
            try {
                NDArray x = Datasets.rows(t, set.features(), rows).toType(type, false);
                try (LinearizedBatch b = model.at(x)) {
                    NDArray j = b.jacobian(org.modelkit.compute.api.linearizer.Projection.NONE);
                    NDArray f = b.f0().duplicate();
                    j.attach(manager);
                    f.attach(manager);
                    return new NDList(j, f);
                }
            } finally {
                t.close();
            }
        }

        /** @return α·e_y of the given rows, [rows, k], in the model's manager */
        NDArray targets(int[] rows) {
            NDArray idx = manager.create(java.util.Arrays.stream(rows).asLongStream().toArray());
            NDArray out = targets.get(idx);
            out.attach(manager);
            idx.close();
            return out;
        }

        /** J·v for every sample, [n, k], in v's manager. */
        NDArray jvp(NDArray v) {
            NDList pieces = split(v);
            if (retained && batches.size() == 1) {
                return batches.get(0).jvp(pieces);
            }
            try (NDManager t = v.getManager().newSubManager()) {
                NDList parts = new NDList(chunks.size());
                for (int i = 0; i < chunks.size(); i++) {
                    NDArray p = onChunk(i, t, b -> b.jvp(pieces));
                    p.attach(t);
                    parts.add(p);
                }
                NDArray out = NDArrays.concat(parts);
                out.attach(v.getManager());
                return out;
            }
        }

        /** Jᵀ·u as a flat vector, in u's manager. */
        NDArray vjp(NDArray u) {
            if (retained && batches.size() == 1) {
                try (NDList g = batches.get(0).vjp(u)) {
                    NDArray out = flat(g);
                    out.attach(u.getManager());
                    return out;
                }
            }
            try (NDManager t = u.getManager().newSubManager()) {
                NDArray sum = null;
                long from = 0;
                for (int i = 0; i < chunks.size(); i++) {
                    NDArray uc = u.get(from + ":" + (from + chunks.get(i).length));
                    uc.attach(t);
                    from += chunks.get(i).length;
                    NDArray part = onChunk(i, t, b -> {
                        try (NDList g = b.vjp(uc)) {
                            return flat(g);
                        }
                    });
                    part.attach(t);
                    sum = sum == null ? part : sum.addi(part);
                }
                sum.attach(u.getManager());
                return sum;
            }
        }

        /**
         * The gradient of L over some rows only, {@code 1/|rows| Σ_rows J_iᵀ(f0_i + J_i w − α e_{y_i}) + λ w},
         * from a primal pass of those rows alone (a mini-batch step costs the mini-batch, not the set).
         *
         * @return ∇L(w), in w's manager
         */
        NDArray gradient(NDArray w, int[] rows, double lambda) {
            try (NDManager t = w.getManager().newSubManager()) {
                NDArray x = Datasets.rows(t, set.features(), rows).toType(type, false);
                try (LinearizedBatch b = model.at(x)) {
                    NDArray wt = w.duplicate();
                    wt.attach(t);
                    NDArray jv = b.jvp(split(wt));
                    jv.attach(t);
                    NDArray y = targets(rows);
                    y.attach(t);
                    NDArray r = Scalars.div(jv.add(b.f0()).sub(y), rows.length);
                    r.attach(t);
                    NDArray g;
                    try (NDList gs = b.vjp(r)) {
                        g = flat(gs);
                        g.attach(t);
                    }
                    NDArray out = g.add(Scalars.mul(wt, lambda));
                    out.attach(w.getManager());
                    return out;
                }
            }
        }

        /** @return f0 + J·w, [n, k], in w's manager */
        NDArray scores(NDArray w) {
            NDArray jv = jvp(w);
            NDArray s = jv.add(f0);
            jv.close();
            return s;
        }

        /** @return the predicted class of every sample under weights w */
        int[] predict(NDArray w) {
            try (NDManager t = w.getManager().newSubManager()) {
                NDArray wt = w.duplicate();
                wt.attach(t);
                return scores(wt).argMax(1).toType(DataType.INT32, false).toIntArray();
            }
        }

        /**
         * The gradient of {@code L(w) = 1/(2c) Σ_R ‖f0 + J w − α e_y‖² + λ/2 ‖w‖²} over the masked rows.
         *
         * @return ∇L(w), in w's manager
         */
        NDArray gradient(NDArray w, NDArray mask, double count, double lambda) {
            try (NDManager t = w.getManager().newSubManager()) {
                NDArray wt = w.duplicate();
                wt.attach(t);
                NDArray r = Scalars.div(scores(wt).sub(targets).mul(mask), count);
                NDArray g = vjp(r).add(Scalars.mul(wt, lambda));
                g.attach(w.getManager());
                return g;
            }
        }

        /** @return L(w) over the masked rows */
        double loss(NDArray w, NDArray mask, double count, double lambda) {
            try (NDManager t = w.getManager().newSubManager()) {
                NDArray wt = w.duplicate();
                wt.attach(t);
                NDArray r = scores(wt).sub(targets).mul(mask);
                return ConjugateGradient.scalar(r.square().sum()) / (2 * count) + lambda / 2 * ConjugateGradient.scalar(wt.square().sum());
            }
        }

        /**
         * The Hessian-vector product {@code H v = Jᵀ(J v)/c + λ v} over the masked rows: one J·v and one
         * Jᵀ·u; H is never formed.
         *
         * @return H v, in v's manager
         */
        NDArray hvp(NDArray v, NDArray mask, double count, double lambda) {
            try (NDManager t = v.getManager().newSubManager()) {
                NDArray vt = v.duplicate();
                vt.attach(t);
                NDArray jv = Scalars.div(jvp(vt).mul(mask), count);
                NDArray h = vjp(jv).add(Scalars.mul(vt, lambda));
                h.attach(v.getManager());
                return h;
            }
        }

        @Override
        public void close() {
            for (LinearizedBatch b : batches) {
                b.close();
            }
            own.close();
        }
    }
}
