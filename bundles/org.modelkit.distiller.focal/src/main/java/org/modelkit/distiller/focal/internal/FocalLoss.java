package org.modelkit.distiller.focal.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.modelkit.api.congruent.Loss;
import org.modelkit.nn.Scalars;

/**
 * The positive-congruent training loss of a batch, {@code L = mean_i CE(z_new,i, y_i) + mean_i w_i·D_i}
 * with {@code w_i = α + β·1[argmax z_old,i = y_i]} and
 *
 * <ul>
 *   <li>FD-KL: {@code D_i = T²·Σ_c p_old,c (log p_old,c − log p_new,c)}, p = softmax(z/T) (PyTorch's
 *       {@code KLDivLoss(reduction='none')(log_softmax(z_new/T), softmax(z_old/T)).sum(1)·T²});</li>
 *   <li>FD-LM: {@code D_i = ½·mean_c (z_new,c − z_old,c)²};</li>
 *   <li>KD: FD-KL with β = 0; naive: {@code D_i = CE_i}, {@code w_i = 1[old right]}; CE: no D.</li>
 * </ul>
 *
 * When the two models' class counts differ, D uses only the samples with {@code y < min(C_old, C_new)} and
 * the common logit columns (the others add 0 to the batch mean). Written as array operations so DJL's
 * autograd differentiates it; {@link #of} is the same in any precision.
 */
final class FocalLoss {
    private FocalLoss() {
    }

    /**
     * @param loss  which loss
     * @param alpha α
     * @param beta  β
     * @param t     T
     */
    record Settings(Loss loss, double alpha, double beta, double t) {
        Settings {
            if (!(alpha >= 0 && Double.isFinite(alpha)) || !(beta >= 0 && Double.isFinite(beta))) {
                throw new IllegalArgumentException("α = " + alpha + " and β = " + beta + " must be finite and >= 0");
            }
            if (!(t > 0 && Double.isFinite(t))) {
                throw new IllegalArgumentException("T = " + t + " must be finite and > 0");
            }
        }
    }

    /**
     * @param zNew  the new model's logits {@code [B, C_new]}
     * @param zOld  the reference's logits {@code [B, C_old]} (no gradient)
     * @param y     the labels {@code [B]}, integer
     * @return the scalar loss, in zNew's manager
     */
    static NDArray of(NDArray zNew, NDArray zOld, NDArray y, Settings s) {
        long b = zNew.getShape().get(0);
        long cNew = zNew.getShape().get(1);
        long cOld = zOld.getShape().get(1);
        NDArray yl = y.toType(DataType.INT64, false);
        NDArray logp = zNew.logSoftmax(1);
        NDArray ce = logp.mul(yl.oneHot((int) cNew, zNew.getDataType())).sum(new int[] {1}).neg();
        NDArray total = ce.mean();
        if (s.loss() == Loss.CE) {
            return total;
        }
        NDArray oldRight = zOld.argMax(1).toType(DataType.INT64, false).eq(yl).toType(zNew.getDataType(), false);
        if (s.loss() == Loss.NAIVE) {
            return total.add(ce.mul(oldRight).mean());
        }
        long c = Math.min(cNew, cOld);
        NDArray keep = yl.lt(c).toType(zNew.getDataType(), false);
        NDArray zn = c == cNew ? zNew : zNew.get(new NDIndex(":, 0:" + c));
        NDArray zo = (c == cOld ? zOld : zOld.get(new NDIndex(":, 0:" + c))).toType(zNew.getDataType(), false);
        double beta = s.loss() == Loss.KD ? 0 : s.beta();
        NDArray w = Scalars.mul(oldRight, beta).add(s.alpha()).mul(keep);
        NDArray d;
        if (s.loss() == Loss.FD_LM) {
            d = Scalars.mul(zn.sub(zo).square().mean(new int[] {1}), 0.5);
        } else {
            NDArray logOld = Scalars.div(zo, s.t()).logSoftmax(1);
            NDArray logNew = Scalars.div(zn, s.t()).logSoftmax(1);
            d = Scalars.mul(logOld.exp().mul(logOld.sub(logNew)).sum(new int[] {1}), s.t() * s.t());
        }
        return total.add(Scalars.div(w.mul(d).sum(), b));
    }

    /**
     * The loss of a whole batch for DJL's training loop: labels {@code [y, z_old]}.
     */
    static final class Djl extends ai.djl.training.loss.Loss {
        private final Settings settings;

        Djl(Settings settings) {
            super(settings.loss().label());
            this.settings = settings;
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            return of(predictions.singletonOrThrow(), labels.get(1), labels.get(0), settings);
        }
    }
}
