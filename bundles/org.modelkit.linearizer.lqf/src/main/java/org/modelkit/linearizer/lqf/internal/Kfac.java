package org.modelkit.linearizer.lqf.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.modelkit.compute.api.linearizer.Preconditioner;
import org.modelkit.nn.Scalars;

/**
 * Kronecker-factored preconditioning of the linearized problem. Its Hessian is constant,
 * {@code H = JᵀJ/N + λI}, so the factors are computed once at w0, per Linear or Conv layer whose weight
 * is linearized (Martens and Grosse 2015; Grosse and Martens 2016 for convolutions):
 * <ul>
 * <li>{@code A = E[ā āᵀ]}: the layer's inputs with a 1 appended for the bias; for a convolution its
 * patches (gathered by a convolution with one-hot kernels, DJL having no im2col), averaged over samples
 * and positions;</li>
 * <li>{@code G = (1/N) Σ_n Σ_c Σ_t g gᵀ}: g = ∂f_c/∂s, the derivative of output c with respect to the
 * layer's output s, obtained as the gradient of a zero probe added to s (one backward pass per output),
 * summed over outputs and positions.</li>
 * </ul>
 * Then {@code JᵀJ/N ≈ G ⊗ A} on the layer's block, and a step is {@code (G + (√γ/π) I)⁻¹ ∇W (A + π√γ I)⁻¹},
 * with π = sqrt((tr A / dim A) / (tr G / dim G)) (Martens and Grosse's factored Tikhonov damping), never
 * forming {@code G ⊗ A}. The damped factors are inverted once, in double precision with EJML
 * (Cholesky), and kept on the device. Parameters in no such layer (batch-norm γ and β, a bias whose
 * weight is frozen) are not preconditioned.
 */
final class Kfac implements Preconditioner {
    /**
     * The inverse of a damped factor {@code F + c I}: explicit, or, when F is built from fewer rows than
     * its size (the head's input factor on a few-shot set: 50 rows of 4,609 features), by Woodbury
     * without forming it: with {@code F = UᵀU}, {@code (UᵀU + cI)⁻¹ = (I - Uᵀ(cI + UUᵀ)⁻¹U) / c}.
     */
    private record Inverse(NDArray explicit, NDArray u, NDArray core, double c) {
        /** M·(F + cI)⁻¹ for M of shape [r, d]. */
        NDArray rightApply(NDArray m) {
            if (explicit != null) {
                return m.matMul(explicit);
            }
            return Scalars.div(m.sub(m.matMul(u.transpose()).matMul(core).matMul(u)), c);
        }

        /** (F + cI)⁻¹·M for M of shape [d, r] (F symmetric). */
        NDArray leftApply(NDArray m) {
            return rightApply(m.transpose()).transpose();
        }
    }

    /** One layer's inverse factors, and where its weight and bias sit among the linearized parameters. */
    private record Layer(int weight, int bias, Inverse aInv, Inverse gInv) {
    }

    private final TangentModel model;
    private final List<Layer> layers;
    private final NDManager manager;

    private Kfac(TangentModel model, List<Layer> layers, NDManager manager) {
        this.model = model;
        this.layers = layers;
        this.manager = manager;
    }

    /**
     * @param model   the linearized model
     * @param trace   the recorded primal pass of x
     * @param x       the training samples
     * @param damping γ, added as √γ to each factor's diagonal
     * @return the factors, living in a sub-manager of the model's
     */
    static Kfac compute(TangentModel model, Pass.Trace trace, NDArray x, double damping) {
        NDManager m = model.net.linearized.get(0).w0().getManager().newSubManager();
        List<Layer> out = new ArrayList<>();
        try (NDManager work = x.getManager().newSubManager()) {
            trace.borrow(work);
            Pass.lend(work, java.util.List.of(x));
            long n = x.getShape().get(0);
            List<Net.Node> layers = new ArrayList<>();
            collect(model.net.nodes, layers);
            // G: one backward pass per output, with zero probes on every preconditioned layer's output
            Map<Net.Node, NDArray> g = new IdentityHashMap<>();
            for (int c = 0; c < model.outputs(); c++) {
                Map<Net.Node, NDArray> probes = new IdentityHashMap<>();
                for (Net.Node layer : layers) {
                    NDArray z = work.zeros(trace.layerOutputs.get(layer), x.getDataType());
                    z.setRequiresGradient(true);
                    probes.put(layer, z);
                }
                try (GradientCollector gc = work.getEngine().newGradientCollector()) {
                    NDArray f = Pass.primal(model.net.nodes, x, new Pass.Trace(probes));
                    gc.backward(f.get(new NDIndex(":, " + c)).sum());
                }
                for (Net.Node layer : layers) {
                    NDArray d = rows(probes.get(layer).getGradient());
                    NDArray contribution = Scalars.div(d.transpose().matMul(d), n);
                    g.merge(layer, contribution, NDArray::add);
                }
            }
            for (Net.Node layer : layers) {
                NDArray a = inputs(layer, trace.layerInputs.get(layer));
                long rowsA = a.getShape().get(0);
                long dimA = a.getShape().get(1);
                NDArray gg = g.get(layer);
                long dimG = gg.getShape().get(0);
                // factored Tikhonov damping with Martens and Grosse's pi: split √γ between the factors in
                // proportion to their average eigenvalues, so neither is swamped by the damping
                double traceA = a.square().sum().toType(DataType.FLOAT64, false).getDouble() / rowsA / dimA;
                double[] gv = gg.toType(DataType.FLOAT64, false).toDoubleArray();
                double traceG = 0;
                for (int i = 0; i < dimG; i++) {
                    traceG += gv[(int) (i * dimG + i)];
                }
                traceG /= dimG;
                double pi = traceA > 0 && traceG > 0 ? Math.sqrt(traceA / traceG) : 1;
                double dampA = Math.sqrt(damping) * pi;
                double dampG = Math.sqrt(damping) / pi;
                Inverse aInv = rowsA < dimA ? lowRankInverse(Scalars.div(a, Math.sqrt(rowsA)), dampA, m)
                        : new Inverse(dampedInverse(Scalars.div(a.transpose().matMul(a), rowsA), dampA, m), null, null, 0);
                Inverse gInv = new Inverse(dampedInverse(gg, dampG, m), null, null, 0);
                Net.Param w = layer instanceof Net.Dense d ? d.w() : ((Net.Conv) layer).w();
                Net.Param b = layer instanceof Net.Dense d ? d.b() : ((Net.Conv) layer).b();
                out.add(new Layer(w.index(), b != null && b.linearized() ? b.index() : -1, aInv, gInv));
            }
            return new Kfac(model, out, m);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Linear and Conv layers whose weight is linearized, nested bodies included. */
    private static void collect(List<Net.Node> nodes, List<Net.Node> out) {
        for (Net.Node node : nodes) {
            if (node instanceof Net.Dense d && d.w().linearized() || node instanceof Net.Conv c && c.w().linearized()) {
                out.add(node);
            } else if (node instanceof Net.Res r) {
                collect(r.body(), out);
            }
        }
    }

    /** [n, out] stays; [n, out, h, w] becomes [n·h·w, out]. */
    private static NDArray rows(NDArray d) {
        if (d.getShape().dimension() == 2) {
            return d;
        }
        long c = d.getShape().get(1);
        return d.transpose(0, 2, 3, 1).reshape(-1, c);
    }

    /** The layer's inputs as rows (patches for a convolution), with a column of ones if the bias is linearized. */
    private static NDArray inputs(Net.Node layer, NDArray x) {
        NDArray rows;
        Net.Param bias;
        if (layer instanceof Net.Dense d) {
            rows = x;
            bias = d.b();
        } else {
            Net.Conv c = (Net.Conv) layer;
            bias = c.b();
            Shape k = c.w().w0().getShape(); // [out, in, kh, kw]
            long in = k.get(1);
            long kh = k.get(2);
            long kw = k.get(3);
            long p = in * kh * kw;
            // one-hot kernels: output channel (i, u, v) copies input channel i at offset (u, v), so the
            // convolution lays every patch out along the channels
            float[] eye = new float[(int) (p * p)];
            for (int q = 0; q < p; q++) {
                eye[q * (int) p + q] = 1f;
            }
            NDArray kernels = x.getManager().create(eye, new Shape(p, in, kh, kw)).toType(x.getDataType(), false);
            NDArray patches = Conv2d.conv2d(x, kernels, null, c.stride(), c.padding(), c.dilation(), 1).singletonOrThrow();
            rows = rows(patches);
        }
        if (bias != null && bias.linearized()) {
            rows = rows.concat(x.getManager().ones(new Shape(rows.getShape().get(0), 1), x.getDataType()), 1);
        }
        return rows;
    }

    /** (F + c I)⁻¹ by Cholesky in double precision, back on the device in F's data type. */
    private static NDArray dampedInverse(NDArray f, double c, NDManager target) {
        int d = (int) f.getShape().get(0);
        double[] v = f.toType(DataType.FLOAT64, false).toDoubleArray();
        DMatrixRMaj a = new DMatrixRMaj(d, d, true, v);
        for (int i = 0; i < d; i++) {
            a.add(i, i, c);
        }
        DMatrixRMaj inv = new DMatrixRMaj(d, d);
        if (!CommonOps_DDRM.invertSPD(a, inv)) {
            throw new IllegalStateException("a K-FAC factor of size " + d + " is not positive definite even with damping "
                    + c);
        }
        return target.create(inv.getData(), new Shape(d, d)).toType(f.getDataType(), false);
    }

    /** (UᵀU + c I)⁻¹ in Woodbury form, the small core (UUᵀ + cI)⁻¹ inverted in double precision. */
    private static Inverse lowRankInverse(NDArray u, double c, NDManager target) {
        NDArray small = u.matMul(u.transpose()); // [r, r]
        NDArray core = dampedInverse(small, c, target);
        NDArray uu = u.duplicate();
        uu.attach(target);
        return new Inverse(null, uu, core, c);
    }

    /**
     * @param grad gradients aligned with the linearized parameters
     * @return the preconditioned direction, in the gradients' manager
     */
    @Override
    public NDList solve(NDList grad) {
        model.checkTangent(grad, "g");
        NDList out = new NDList(grad.size());
        for (NDArray g : grad) {
            out.add(g);
        }
        for (Layer l : layers) {
            NDArray gw = grad.get(l.weight());
            Shape shape = gw.getShape();
            NDArray mat = gw.reshape(shape.get(0), -1);
            if (l.bias() >= 0) {
                mat = mat.concat(grad.get(l.bias()).reshape(shape.get(0), 1), 1);
            }
            NDArray p = l.aInv().rightApply(l.gInv().leftApply(mat));
            long in = shape.size() / shape.get(0);
            out.set(l.weight(), p.get(new NDIndex(":, 0:" + in)).reshape(shape));
            if (l.bias() >= 0) {
                out.set(l.bias(), p.get(new NDIndex(":, " + in)).reshape(grad.get(l.bias()).getShape()));
            }
        }
        return out;
    }


    @Override
    public void close() {
        manager.close();
    }
}
