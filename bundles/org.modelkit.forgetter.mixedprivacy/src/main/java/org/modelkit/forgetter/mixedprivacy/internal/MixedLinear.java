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
    private final ModelSpec spec;
    private final LinearizedModel model;
    private final Shape[] shapes;
    private final long[] offsets;

    private MixedLinear(NDManager manager, ModelSpec spec, LinearizedModel model) {
        this.manager = manager;
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
        ModelFiles.Loaded loaded = ModelFiles.load(core, manager);
        Block net = float64(loaded, manager);
        List<String> selected = Layers.last(Layers.withParameters(net), layers);
        return new MixedLinear(manager, loaded.spec(), linearizer.linearize(net, Set.copyOf(selected)::contains, manager));
    }

    /**
     * The same network in float64: built anew from its spec, initialised in float64, and given the loaded
     * parameters' values (DJL's {@code Block.cast} throws for sequential blocks).
     */
    static Block float64(ModelFiles.Loaded loaded, NDManager manager) {
        Block net = loaded.spec().build();
        net.initialize(manager, DataType.FLOAT64, loaded.spec().batchShape(1));
        java.util.Iterator<ai.djl.util.Pair<String, ai.djl.nn.Parameter>> from = loaded.block().getParameters().iterator();
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : net.getParameters()) {
            ai.djl.util.Pair<String, ai.djl.nn.Parameter> q = from.next();
            NDArray src = q.getValue().getArray();
            if (!p.getKey().equals(q.getKey()) || !src.getShape().equals(p.getValue().getArray().getShape())) {
                throw new IllegalStateException("parameter " + q.getKey() + " " + src.getShape() + " does not match "
                        + p.getKey() + " " + p.getValue().getArray().getShape());
            }
            try (NDArray d = src.toType(DataType.FLOAT64, false)) {
                p.getValue().getArray().set(d.toDoubleArray());
            }
        }
        return net;
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
        return manager.zeros(new Shape(size()), DataType.FLOAT64);
    }

    /**
     * @param values P doubles
     * @return them as a vector of user weights
     */
    NDArray vector(double[] values) {
        if (values.length != size()) {
            throw new IllegalArgumentException("user weights hold " + values.length + " values, the model " + size());
        }
        return manager.create(values);
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
        return new Data(set, alpha);
    }

    private static int[] sampleShape(Tensor t) {
        return java.util.Arrays.copyOfRange(t.shape(), 1, t.rank());
    }

    @Override
    public void close() {
        model.close();
    }

    /** A bound labelled set and the quadratic objective over a chosen subset of its rows. */
    final class Data implements AutoCloseable {
        private final NDManager own;
        private final LinearizedBatch batch;
        private final NDArray f0;
        private final NDArray targets;
        private final int n;
        private final LabelledSet set;

        private Data(LabelledSet set, double alpha) {
            this.set = set;
            own = manager.newSubManager();
            n = set.size();
            NDArray x = Datasets.rows(own, set.features(), Sampling.range(n)).toType(DataType.FLOAT64, false);
            batch = model.at(x);
            f0 = batch.f0();
            long[] labels = new long[n];
            for (int i = 0; i < n; i++) {
                labels[i] = set.label(i);
            }
            targets = own.create(labels).oneHot(model.outputs(), DataType.FLOAT64).mul(alpha);
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
            return manager.create(m, new Shape(n, 1));
        }

        /**
         * K-FAC curvature of some rows, as a preconditioner for H over them (damping λ).
         *
         * @param rows    the rows
         * @param damping γ
         * @return (JᵀJ/N + γ)⁻¹ in Kronecker-factored form; close it when done
         */
        Preconditioner kfac(int[] rows, double damping) {
            try (NDManager t = manager.newSubManager()) {
                NDArray x = Datasets.rows(t, set.features(), rows).toType(DataType.FLOAT64, false);
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
                NDArray x = Datasets.rows(t, set.features(), rows).toType(DataType.FLOAT64, false);
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
            return batch.jvp(split(v));
        }

        /** Jᵀ·u as a flat vector, in u's manager. */
        NDArray vjp(NDArray u) {
            try (NDList g = batch.vjp(u)) {
                NDArray out = flat(g);
                out.attach(u.getManager());
                return out;
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
                NDArray r = scores(wt).sub(targets).mul(mask).div(count);
                NDArray g = vjp(r).add(wt.mul(lambda));
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
                return r.square().sum().getDouble() / (2 * count) + lambda / 2 * wt.square().sum().getDouble();
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
                NDArray jv = jvp(vt).mul(mask).div(count);
                NDArray h = vjp(jv).add(vt.mul(lambda));
                h.attach(v.getManager());
                return h;
            }
        }

        @Override
        public void close() {
            batch.close();
            own.close();
        }
    }
}
