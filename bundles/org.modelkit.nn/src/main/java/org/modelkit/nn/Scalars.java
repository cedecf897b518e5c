package org.modelkit.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Arithmetic of an NDArray with a Java number, safe under autograd. Use these instead of DJL's {@code Number}
 * overloads ({@code x.mul(0.5f)}, {@code x.div(n)}, {@code x.maximum(0f)}, ...); the runtime's architecture test
 * refuses those overloads in every bundle.
 *
 * <p>Why: DJL 0.36's PyTorch engine implements {@code x.mul(Number)} as
 * {@code try (NDArray n = manager.create(number)) { return x.mul(n); }}, and {@code manager.create} makes the
 * scalar tensor with {@code torch::from_blob} over a direct {@code ByteBuffer} that only the closed Java array held.
 * The op's backward keeps that tensor (mul, div, pow, maximum and minimum save their second operand), so once the
 * garbage collector frees the buffer, the backward pass multiplies by whatever the allocator put there since:
 * gradients off by a few percent, or of norm 1e23, now and then — the "transient libtorch faults" this project's
 * gradient guards were written for. Repeating one weight gradient of the stereo bundle's net A on one batch gave 2
 * results in 100 that differed from the others (one of norm 3.2e23) with the G1 collector, and 100 identical ones
 * with the Epsilon collector, which never frees. {@code add} and {@code sub} keep no operand and are safe; so is every
 * overload outside a recorded graph, but one rule for all is simpler to check.
 *
 * <p>The cure here: the scalar is made by libtorch itself ({@code clone} of the Java-backed one, so the value keeps
 * its full precision in float64), which owns its memory; the autograd graph keeps it alive by reference count after
 * the Java array is closed, so nothing accumulates in the manager.
 */
public final class Scalars {
    private Scalars() {
    }

    /**
     * @param like  the array the scalar will meet: its manager, device and floating type are used
     * @param value the number
     * @return a 0-dimensional array holding {@code value} in memory libtorch owns, attached to {@code like}'s manager
     *         (close it when done; a graph that uses it keeps its own reference)
     */
    public static NDArray of(NDArray like, double value) {
        NDManager m = like.getManager();
        DataType type = like.getDataType();
        // an integer array meets a fraction as DJL's overload made it meet one: as a float32 scalar
        DataType target = type.isFloating() || value == Math.rint(value) && Math.abs(value) < 0x1p53 ? type
                : DataType.FLOAT32;
        try (NDArray javaBacked = target == DataType.FLOAT64 ? m.create(value)
                : target.isFloating() ? m.create((float) value) : m.create((long) value)) {
            // toType of the same type would return the very array, so the copy is a clone there
            return javaBacked.getDataType() == target ? javaBacked.duplicate() : javaBacked.toType(target, false);
        }
    }

    /** @return {@code x · s} */
    public static NDArray mul(NDArray x, double s) {
        try (NDArray n = of(x, s)) {
            return x.mul(n);
        }
    }

    /** @return {@code x / s} */
    public static NDArray div(NDArray x, double s) {
        try (NDArray n = of(x, s)) {
            return x.div(n);
        }
    }

    /** @return {@code x^s}, element-wise */
    public static NDArray pow(NDArray x, double s) {
        try (NDArray n = of(x, s)) {
            return x.pow(n);
        }
    }

    /** @return {@code max(x, s)}, element-wise */
    public static NDArray maximum(NDArray x, double s) {
        try (NDArray n = of(x, s)) {
            return x.maximum(n);
        }
    }

    /** @return {@code min(x, s)}, element-wise */
    public static NDArray minimum(NDArray x, double s) {
        try (NDArray n = of(x, s)) {
            return x.minimum(n);
        }
    }

    /** @return {@code x}, multiplied by {@code s} in place */
    public static NDArray muli(NDArray x, double s) {
        try (NDArray n = of(x, s)) {
            return x.muli(n);
        }
    }

    /** @return {@code x}, divided by {@code s} in place */
    public static NDArray divi(NDArray x, double s) {
        try (NDArray n = of(x, s)) {
            return x.divi(n);
        }
    }
}
