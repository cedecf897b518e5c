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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.modelkit.nn.Scalars;

/**
 * Head surgery on a pre-trained SequentialBlock: its layers and which are linearized, copying the
 * pre-trained parameters but the head's, a new random head, and the ridge-regression linear probe that
 * is both the baseline and (with {@code headScale = 0}) LQF's starting head.
 */
final class Heads {
    private Heads() {
    }

    /** The new head: weights N(0, scale²) from the seed, bias 0. */
    static void initHead(Block net, long seed, double scale) {
        Block head = last((SequentialBlock) net);
        java.util.Random rnd = new java.util.Random(seed);
        for (Pair<String, Parameter> p : head.getDirectParameters()) {
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            if (p.getKey().equals("weight")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rnd.nextGaussian() * scale);
                }
            }
            a.set(v);
        }
    }

    static void copyExcept(Block from, Block to, Set<String> skip) {
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
    static void fitHead(Block net, NDArray x, NDArray labels, int classes, double alpha, double weightDecay) {
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
            NDArray y = Scalars.mul(labels.oneHot(classes).toType(DataType.FLOAT64, false), alpha);
            y.attach(sub);
            double ridge = n * weightDecay;
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
}
