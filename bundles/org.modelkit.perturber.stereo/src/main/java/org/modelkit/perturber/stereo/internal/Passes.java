package org.modelkit.perturber.stereo.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.modelkit.nn.Scalars;

/**
 * The network's passes, each in a manager of its own that is closed at its end: disparities, the loss and its
 * gradient with respect to the images (attacks), and with respect to the weights (training).
 */
final class Passes {
    /** Pairs per forward pass when predicting. */
    static final int CHUNK = 8;

    private Passes() {
    }

    /**
     * @param model  the network
     * @param batch  the pairs
     * @param parent the manager the pass's own manager is made under
     * @return disparities, {@code n·height·width}
     */
    static float[] predict(StereoModel model, StereoBatch batch, NDManager parent) {
        float[] out = new float[batch.n() * batch.mapSize()];
        for (int i = 0; i < batch.n(); i += CHUNK) {
            StereoBatch b = batch.slice(i, Math.min(batch.n(), i + CHUNK));
            try (NDManager m = parent.newSubManager()) {
                List<NDArray> w = model.arrays(m, DataType.FLOAT32, false);
                float[] d = StereoNet.forward(model.spec(), w, b.leftArray(m, DataType.FLOAT32),
                        b.rightArray(m, DataType.FLOAT32)).toFloatArray();
                System.arraycopy(d, 0, out, i * batch.mapSize(), d.length);
            }
        }
        return out;
    }

    /**
     * SmoothL1 (β = 1) of the predictions against the targets, averaged over the valid (non-NaN) targets.
     *
     * @param predicted disparities {@code [N, H, W]}
     * @param target    targets of the same shape; NaN where unknown
     * @return the scalar loss
     * @throws IllegalArgumentException if no target is valid
     */
    static NDArray loss(NDArray predicted, float[] target) {
        NDManager m = predicted.getManager();
        float[] t = target.clone();
        float[] mask = new float[t.length];
        int valid = 0;
        for (int i = 0; i < t.length; i++) {
            if (Float.isNaN(t[i])) {
                t[i] = 0;
            } else {
                mask[i] = 1;
                valid++;
            }
        }
        if (valid == 0) {
            throw new IllegalArgumentException("the ground truth has no valid pixel");
        }
        Shape s = predicted.getShape();
        DataType type = predicted.getDataType();
        NDArray tt = m.create(t, s).toType(type, false);
        NDArray mm = m.create(mask, s).toType(type, false);
        NDArray a = predicted.sub(tt).abs();
        NDArray sl1 = NDArrays.where(a.lt(1f), Scalars.mul(a.square(), 0.5f), a.sub(0.5f));
        return Scalars.div(sl1.mul(mm).sum(), (float) valid);
    }

    /** The loss and its gradient with respect to both images, planar like the batch's. */
    record InputGradient(double loss, float[] left, float[] right) {
    }

    /**
     * @param model  the network (its weights are constants here)
     * @param batch  the pairs, possibly already perturbed
     * @param target the disparities the loss compares against, NaN where unknown
     * @param parent the manager the pass's own manager is made under
     * @param view   a diverse-input view the network sees instead of the images, or null
     * @return the loss and its gradient on both images
     */
    static InputGradient inputGradient(StereoModel model, StereoBatch batch, float[] target, DiverseInput.View view,
            NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            List<NDArray> w = model.arrays(m, DataType.FLOAT32, false);
            NDArray l = batch.leftArray(m, DataType.FLOAT32);
            NDArray r = batch.rightArray(m, DataType.FLOAT32);
            l.setRequiresGradient(true);
            r.setRequiresGradient(true);
            double loss;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray seenL = view == null ? l : view.apply(l);
                NDArray seenR = view == null ? r : view.apply(r);
                NDArray lossArray = loss(StereoNet.forward(model.spec(), w, seenL, seenR), target);
                loss = lossArray.getFloat();
                gc.backward(lossArray);
            }
            return new InputGradient(loss, l.getGradient().toFloatArray(), r.getGradient().toFloatArray());
        }
    }

    /** The loss and its gradient with respect to every weight tensor. */
    record WeightGradient(double loss, float[][] gradients) {
    }

    /**
     * @param model  the network
     * @param batch  the pairs with their ground truth
     * @param parent the manager the pass's own manager is made under
     * @return the loss and its gradient on the weights
     */
    static WeightGradient weightGradient(StereoModel model, StereoBatch batch, NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            List<NDArray> w = model.arrays(m, DataType.FLOAT32, true);
            double loss;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray lossArray = loss(StereoNet.forward(model.spec(), w, batch.leftArray(m, DataType.FLOAT32),
                        batch.rightArray(m, DataType.FLOAT32)), batch.disparity());
                loss = lossArray.getFloat();
                gc.backward(lossArray);
            }
            float[][] g = new float[w.size()][];
            for (int i = 0; i < g.length; i++) {
                g[i] = w.get(i).getGradient().toFloatArray();
            }
            return new WeightGradient(loss, g);
        }
    }
}
