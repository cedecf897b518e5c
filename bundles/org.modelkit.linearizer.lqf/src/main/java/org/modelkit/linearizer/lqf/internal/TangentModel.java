package org.modelkit.linearizer.lqf.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.modelkit.compute.api.linearizer.LinearizedBatch;
import org.modelkit.compute.api.linearizer.LinearizedModel;
import org.modelkit.compute.api.linearizer.Preconditioner;
import org.modelkit.compute.api.linearizer.Projection;
import org.modelkit.nn.Scalars;

/**
 * {@link LinearizedModel} by tangent propagation over a compiled {@link Net}. J·v is one primal and one
 * tangent pass (the tangent pass alone on a {@link #at bound batch}); Jᵀ·u is the ordinary backward
 * pass of f at w0 (one primal pass with gradient-requiring copies of w0 and DJL's backward of
 * {@code <f, u>}), as functorch's vjp does. Every call keeps its intermediate arrays in a sub-manager and
 * attaches only its result where the API says.
 */
final class TangentModel implements LinearizedModel {
    final Net net;
    private final int outputs;

    TangentModel(Net net, int outputs) {
        this.net = net;
        this.outputs = outputs;
    }

    @Override
    public List<String> parameterNames() {
        List<String> out = new ArrayList<>();
        for (Net.Param p : net.linearized) {
            out.add(p.name());
        }
        return out;
    }

    @Override
    public NDList weights0() {
        NDList out = new NDList();
        for (Net.Param p : net.linearized) {
            out.add(p.w0());
        }
        return out;
    }

    @Override
    public long parameterCount() {
        return net.parameterCount();
    }

    @Override
    public int outputs() {
        return outputs;
    }

    private void checkBatch(NDArray x) {
        if (x == null || x.getShape().dimension() < 2) {
            throw new IllegalArgumentException("x must be a batch [n, ...], got " + (x == null ? "null" : x.getShape()));
        }
    }

    /** A primal pass recorded for repeated tangent passes (the fine-tuning loop). */
    Pass.Trace trace(NDArray x) {
        checkBatch(x);
        Pass.Trace t = new Pass.Trace();
        Pass.primal(net.nodes, x, t);
        return t;
    }

    /** J·v over a recorded trace; zeros if no tangent reaches the output. */
    NDArray jvp(Pass.Trace trace, NDList v) {
        NDArray out = Pass.tangent(net.nodes, trace, null, v);
        return out == null ? trace.output.zerosLike() : out;
    }

    void checkTangent(NDList v, String what) {
        if (v == null || v.size() != net.linearized.size()) {
            throw new IllegalArgumentException(what + " must hold " + net.linearized.size() + " arrays (one per linearized"
                    + " parameter), got " + (v == null ? "null" : v.size()));
        }
        for (int i = 0; i < v.size(); i++) {
            Net.Param p = net.linearized.get(i);
            if (!v.get(i).getShape().equals(p.w0().getShape())) {
                throw new IllegalArgumentException(what + "[" + i + "] for '" + p.name() + "' has shape " + v.get(i).getShape()
                        + ", the parameter " + p.w0().getShape());
            }
        }
    }

    /** One product on a batch bound for this call only; the result moves to x's manager. */
    private NDArray once(NDArray x, java.util.function.Function<Batch, NDArray> f) {
        checkBatch(x);
        NDManager m = x.getManager();
        try (Batch b = new Batch(x)) {
            NDArray y = f.apply(b);
            y.attach(m);
            return y;
        }
    }

    @Override
    public NDArray f0(NDArray x) {
        return once(x, Batch::f0);
    }

    @Override
    public NDArray jvp(NDArray x, NDList v) {
        return once(x, b -> b.jvp(v));
    }

    @Override
    public NDArray forward(NDArray x, NDList w) {
        return once(x, b -> b.forward(w));
    }

    /**
     * Jᵀu as the ordinary backward pass of f at w0: a primal pass of x with gradient-requiring copies of
     * the linearized parameters, then one backward pass of {@code <f, u>}. The results live in
     * {@code target}; everything else in a sub-manager that is closed before returning.
     */
    NDList vjp(NDArray x, NDArray u, NDManager target) {
        try (NDManager sub = target.newSubManager()) {
            Pass.lend(sub, java.util.List.of(x, u));
            NDList leaves = new NDList();
            for (Net.Param p : net.linearized) {
                NDArray w = p.w0().duplicate();
                w.attach(sub);
                w.setRequiresGradient(true);
                leaves.add(w);
            }
            try (GradientCollector gc = sub.getEngine().newGradientCollector()) {
                NDArray f = Pass.primal(net.nodes, x, Pass.Trace.plain(), leaves);
                gc.backward(f.mul(u.stopGradient()).sum());
            }
            NDList out = new NDList();
            for (NDArray w : leaves) {
                NDArray g = w.getGradient(); // a handle on the gradient tensor, which outlives the leaf
                g.attach(target);
                out.add(g);
            }
            return out;
        }
    }

    private void checkCotangent(NDArray u, long rows) {
        if (u == null || u.getShape().dimension() != 2 || u.getShape().get(0) != rows || u.getShape().get(1) != outputs) {
            throw new IllegalArgumentException("u must have shape [" + rows + ", " + outputs + "], got "
                    + (u == null ? "null" : u.getShape()));
        }
    }

    @Override
    public NDList vjp(NDArray x, NDArray u) {
        checkBatch(x);
        checkCotangent(u, x.getShape().get(0));
        return vjp(x, u, x.getManager());
    }

    @Override
    public LinearizedBatch at(NDArray x) {
        checkBatch(x);
        return new Batch(x);
    }

    /** One batch's recorded primal pass, reused by every product (see {@link LinearizedBatch}). */
    final class Batch implements LinearizedBatch {
        private final NDArray x;
        private final NDManager owner;
        private final NDManager manager;
        private final Pass.Trace trace;

        Batch(NDArray x) {
            this.x = x;
            this.owner = x.getManager();
            this.manager = owner.newSubManager();
            x.tempAttach(manager);
            try {
                this.trace = trace(x);
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            }
        }

        @Override
        public long size() {
            return x.getShape().get(0);
        }

        @Override
        public NDArray f0() {
            return trace.output;
        }

        /** Runs f on the recorded trace with the arguments lent to a sub-manager; attaches the result to target. */
        private NDArray onTrace(NDList args, NDManager target, java.util.function.Function<NDManager, NDArray> f) {
            try (NDManager sub = manager.newSubManager()) {
                trace.borrow(sub);
                Pass.lend(sub, args);
                NDArray y = f.apply(sub);
                y.attach(target);
                return y;
            }
        }

        @Override
        public NDArray jvp(NDList v) {
            checkTangent(v, "v");
            return onTrace(v, v.head().getManager(), sub -> TangentModel.this.jvp(trace, v));
        }

        @Override
        public NDList vjp(NDArray u) {
            checkCotangent(u, size());
            return TangentModel.this.vjp(x, u, u.getManager());
        }

        @Override
        public NDArray forward(NDList w) {
            checkTangent(w, "w");
            return onTrace(w, w.head().getManager(), sub -> {
                NDList delta = new NDList();
                for (int i = 0; i < w.size(); i++) {
                    delta.add(w.get(i).sub(net.linearized.get(i).w0()));
                }
                return trace.output.add(TangentModel.this.jvp(trace, delta));
            });
        }

        @Override
        public NDArray jacobian(Projection projection) {
            NDArray j = TangentModel.this.jacobian(x, projection);
            j.attach(owner);
            return j;
        }

        @Override
        public Preconditioner kfac(double damping) {
            if (!(damping > 0) || Double.isInfinite(damping)) {
                throw new IllegalArgumentException("damping " + damping + " must be positive and finite");
            }
            return Kfac.compute(TangentModel.this, trace, x, damping);
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    @Override
    public NDArray jacobian(NDArray x, Projection projection) {
        checkBatch(x);
        NDManager m = x.getManager();
        long n = x.getShape().get(0);
        try (NDManager sub = m.newSubManager()) {
            x.tempAttach(sub);
            List<NDArray> keep = projectionIndices(sub, projection);
            List<NDArray> rows = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                NDArray xi = x.get(new NDIndex(i + ":" + (i + 1)));
                for (int c = 0; c < outputs; c++) {
                    NDArray u = sub.zeros(new Shape(1, outputs), x.getDataType());
                    u.set(new NDIndex(0, c), 1);
                    NDList g = vjp(xi, u, sub);
                    List<NDArray> parts = new ArrayList<>();
                    for (int k = 0; k < g.size(); k++) {
                        NDArray flat = g.get(k).flatten();
                        parts.add(keep.get(k) == null ? flat : Scalars.mul(flat.take(sub, keep.get(k)),
                                Math.sqrt((double) flat.size() / projection.perTensor())));
                    }
                    rows.add(ai.djl.ndarray.NDArrays.concat(new NDList(parts)));
                }
            }
            NDArray out = ai.djl.ndarray.NDArrays.stack(new NDList(rows));
            out.attach(m);
            return out;
        }
    }

    /** Per tensor: the kept coordinates (int64), or null to keep all. */
    private List<NDArray> projectionIndices(NDManager m, Projection projection) {
        List<NDArray> out = new ArrayList<>();
        for (int k = 0; k < net.linearized.size(); k++) {
            long size = net.linearized.get(k).w0().size();
            if (!projection.projects() || size <= projection.perTensor()) {
                out.add(null);
                continue;
            }
            Random r = new Random(projection.seed() * 1_000_003L + k);
            // a partial Fisher-Yates shuffle picks perTensor distinct coordinates
            int[] all = new int[(int) size];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            long[] pick = new long[projection.perTensor()];
            for (int i = 0; i < pick.length; i++) {
                int j = i + r.nextInt(all.length - i);
                int t = all[i];
                all[i] = all[j];
                all[j] = t;
                pick[i] = all[i];
            }
            out.add(m.create(pick).toType(DataType.INT64, false));
        }
        return out;
    }

    @Override
    public void close() {
        net.close();
    }
}
