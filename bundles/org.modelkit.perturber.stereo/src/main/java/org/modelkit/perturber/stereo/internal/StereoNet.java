package org.modelkit.perturber.stereo.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import java.util.List;
import org.modelkit.nn.Scalars;

/**
 * The forward pass of the two stereo networks, written as plain tensor operations on weights passed in, so that
 * the same code serves training (gradients on the weights), attacks (gradients on the images) and the float64
 * gradient check.
 *
 * <p>Convolutions are libtorch's conv2d/conv3d (3×3 and 3×3×3, zero padding of one); the weights are kept flat,
 * {@code [O, C·9]} and {@code [O, C·27]}, as saved in {@code weights.bin}, and viewed as kernels here. Until
 * 2026-12-05 they were written as shifted views times a kernel matrix, because oneDNN's convolution backward had
 * returned NaN gradients now and then; that was mostly DJL freeing scalars the backward pass still read (root
 * README, Known issues; fixed by {@link Scalars}) and partly oneDNN's AVX2 kernels, which the project holds to
 * SSE4.1. libtorch's own convolutions made a training step of net A 2.3 times and of net B 6.4 times faster, with
 * the same losses to five digits; the gradient checks (central differences, PyTorch) still hold.
 */
final class StereoNet {
    /** The scale of the correlation volume of net A. */
    static final float CORRELATION_SCALE = 10f;

    private StereoNet() {
    }

    /**
     * @param spec   the architecture
     * @param w      its weights, in {@link StereoSpec#params()} order
     * @param left   left images {@code [N, C, H, W]}
     * @param right  right images, same shape
     * @return disparities {@code [N, H, W]}
     */
    static NDArray forward(StereoSpec spec, List<NDArray> w, NDArray left, NDArray right) {
        return "A".equals(spec.architecture()) ? softArgmin(costA(spec, w, left, right)) : disparityB(spec, w, left, right);
    }

    private static NDArray costA(StereoSpec spec, List<NDArray> w, NDArray left, NDArray right) {
        NDArray fl = normalise(featuresA(w, left));
        NDArray fr = normalise(featuresA(w, right));
        int d = spec.maxDisparity();
        NDList slices = new NDList(d);
        for (int k = 0; k < d; k++) {
            slices.add(fl.mul(shift(fr, k)).sum(new int[] {1}));
        }
        NDArray cv = Scalars.mul(NDArrays.stack(slices, 1), CORRELATION_SCALE);
        NDArray a = conv2d(relu(conv2d(cv, w.get(6), w.get(7))), w.get(8), w.get(9));
        return a.add(cv);
    }

    private static NDArray featuresA(List<NDArray> w, NDArray x) {
        NDArray f = relu(conv2d(x, w.get(0), w.get(1)));
        f = relu(conv2d(f, w.get(2), w.get(3)));
        return conv2d(f, w.get(4), w.get(5));
    }

    /**
     * Net B's volume is GwcNet's combined one (Guo et al., CVPR 2019, of the PSMNet family): the left and the shifted
     * right features concatenated, plus their correlation in {@link StereoSpec#GROUPS} channel groups. The
     * concatenation alone (PSMNet's) rarely learnt at this size with two 3-D layers, in PyTorch as here: clean EPE on
     * random dots 0.50, 0.98 and 1.06 px for three PyTorch seeds (1.00 and 1.06 at full resolution), 1.10 here,
     * the loss flat at 0.54-0.68; with the four group correlations 0.30 and 0.33 (PyTorch, two seeds).
     *
     * <p>It works at half resolution, as PSMNet at a quarter: the first features are averaged 2×2 (bilinear
     * halving), the cost volume spans half the disparities, and the expected disparity is doubled and resized back
     * bilinearly. Pooling and resizing are matrix products ({@link DiverseInput#matrix}).
     */
    private static NDArray disparityB(StereoSpec spec, List<NDArray> w, NDArray left, NDArray right) {
        Shape s = left.getShape();
        int h = (int) s.get(2);
        int wd = (int) s.get(3);
        int h2 = (h + 1) / 2;
        int w2 = (wd + 1) / 2;
        NDArray gl = featuresB(w, left, h, wd, h2, w2);
        NDArray gr = featuresB(w, right, h, wd, h2, w2);
        int d = halfRange(spec.maxDisparity());
        NDList slices = new NDList(d);
        Shape fs = gl.getShape();
        long g = StereoSpec.GROUPS;
        for (int k = 0; k < d; k++) {
            NDArray shifted = shift(gr, k);
            NDArray groups = Scalars.mul(gl.mul(shifted).reshape(fs.get(0), g, fs.get(1) / g, fs.get(2), fs.get(3))
                    .sum(new int[] {2}), CORRELATION_SCALE);
            slices.add(NDArrays.concat(new NDList(gl, shifted, groups), 1));
        }
        NDArray volume = NDArrays.stack(slices, 2); // [N, 2c + groups, D/2 + 1, H/2, W/2]
        NDArray hidden = relu(conv3d(volume, w.get(4), w.get(5)));
        NDArray cost = conv3d(hidden, w.get(6), w.get(7)); // [N, 1, D/2, H/2, W/2]
        Shape c = cost.getShape();
        NDArray half = Scalars.mul(softArgmin(cost.reshape(c.get(0), c.get(2), c.get(3), c.get(4))), 2);
        return resize(resize(half, h, 1), wd, 2);
    }

    /** @return the disparities net B's half-resolution volume spans */
    static int halfRange(int maxDisparity) {
        return maxDisparity / 2 + 1;
    }

    private static NDArray featuresB(List<NDArray> w, NDArray x, int h, int wd, int h2, int w2) {
        NDArray f = relu(conv2d(x, w.get(0), w.get(1)));
        f = resize(resize(f, h2, 2), w2, 3);
        return normalise(conv2d(f, w.get(2), w.get(3)));
    }

    /**
     * @param x    an array
     * @param size the new length of the axis
     * @param axis the axis: the last or the one before it
     * @return x resized bilinearly along the axis (half-pixel centres; halving averages pairs)
     */
    static NDArray resize(NDArray x, int size, int axis) {
        Shape s = x.getShape();
        int rank = s.dimension();
        int n = (int) s.get(axis);
        NDArray m = x.getManager().create(resizeMatrix(n, size), new Shape(size, n)).toType(x.getDataType(), false);
        return axis == rank - 1 ? x.matMul(m.transpose()) : m.matMul(x);
    }

    /**
     * @param n    the input length
     * @param size the output length
     * @return the {@code [size, n]} matrix of bilinear resizing with half-pixel centres, clamped at the borders
     *         (torch's {@code interpolate(mode="bilinear", align_corners=False)} along one axis)
     */
    static float[] resizeMatrix(int n, int size) {
        float[] a = new float[size * n];
        double scale = (double) n / size;
        for (int i = 0; i < size; i++) {
            double src = Math.max(0, (i + 0.5) * scale - 0.5);
            int i0 = Math.min(n - 1, (int) Math.floor(src));
            int i1 = Math.min(n - 1, i0 + 1);
            double f = src - i0;
            a[i * n + i0] += (float) (1 - f);
            a[i * n + i1] += (float) f;
        }
        return a;
    }

    /** Softmax over the disparity axis and the expected disparity. */
    static NDArray softArgmin(NDArray logits) {
        Shape s = logits.getShape();
        NDArray p = logits.softmax(1);
        NDArray d = p.getManager().arange(0f, (float) s.get(1), 1f).toType(logits.getDataType(), false)
                .reshape(1, s.get(1), 1, 1);
        return p.mul(d).sum(new int[] {1});
    }

    /**
     * Features divided by their L2 norm over channels: torch's F.normalize wherever the norm exceeds 1e-12, with
     * 1e-24 added under the root so that a zero vector has a finite gradient (sqrt's derivative at 0 is infinite,
     * and infinity times the zero below it is NaN).
     */
    static NDArray normalise(NDArray f) {
        return f.div(Scalars.maximum(f.square().sum(new int[] {1}, true).add(1e-24f).sqrt(), 1e-12f));
    }

    /** @return {@code f} moved {@code k} columns right, zeros entering on the left: {@code out(x) = f(x − k)} */
    static NDArray shift(NDArray f, int k) {
        if (k == 0) {
            return f;
        }
        Shape s = f.getShape();
        int axis = s.dimension() - 1;
        long w = s.get(axis);
        if (k >= w) {
            return f.zerosLike();
        }
        long[] zs = s.getShape().clone(); // Shape.getShape() is the shape's own array
        zs[axis] = k;
        NDArray zeros = f.getManager().zeros(new Shape(zs), f.getDataType());
        return zeros.concat(f.get(sliceLast(axis, 0, w - k)), axis);
    }

    private static String sliceLast(int axis, long from, long to) {
        return ":, ".repeat(axis) + from + ":" + to;
    }

    static NDArray relu(NDArray x) {
        return Scalars.maximum(x, 0);
    }

    /**
     * A 3×3 convolution with zero padding of one, stride one.
     *
     * @param x    {@code [N, C, H, W]}
     * @param k    {@code [O, C·9]}: the kernel {@code [O, C, 3, 3]} flattened
     * @param bias {@code [O]}
     * @return {@code [N, O, H, W]}
     */
    static NDArray conv2d(NDArray x, NDArray k, NDArray bias) {
        Shape ks = k.getShape();
        return Conv2d.conv2d(x, k.reshape(ks.get(0), ks.get(1) / 9, 3, 3), bias, new Shape(1, 1), new Shape(1, 1))
                .singletonOrThrow();
    }

    /**
     * A 3×3×3 convolution with zero padding of one, stride one.
     *
     * @param x    {@code [N, C, D, H, W]}
     * @param k    {@code [O, C·27]}
     * @param bias {@code [O]}
     * @return {@code [N, O, D, H, W]}
     */
    static NDArray conv3d(NDArray x, NDArray k, NDArray bias) {
        Shape ks = k.getShape();
        return Conv3d.conv3d(x, k.reshape(ks.get(0), ks.get(1) / 27, 3, 3, 3), bias, new Shape(1, 1, 1),
                new Shape(1, 1, 1)).singletonOrThrow();
    }
}
