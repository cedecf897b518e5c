package org.modelkit.api.data;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A dense tensor of 32-bit floats in row-major (C) order, with a shape.
 *
 * <p>A tensor of shape {@code [d0, d1, ..., dk]} holds {@code d0*d1*...*dk} values; the element at
 * index {@code (i0, ..., ik)} is at offset {@code ((i0*d1 + i1)*d2 + ...)*dk + ik}. A rank-0 tensor
 * (empty shape) holds one value. Values must be finite: NaN and infinities are rejected, because every
 * method in Modelkit treats them as corrupted input. Instances are immutable.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    /**
     * Creates a tensor, copying both arrays.
     *
     * @param shape the dimensions, each at least 0; their product must equal {@code data.length}
     * @param data  the values in row-major order; every value must be finite
     * @throws IllegalArgumentException if an argument is null, a dimension is negative, the element
     *                                  count does not match {@code data.length}, or a value is not finite
     */
    public Tensor(int[] shape, float[] data) {
        this(shape.clone(), Checks.notNull(data, "data").clone(), true);
    }

    private Tensor(int[] shape, float[] data, boolean validate) {
        int n = Checks.elementCount(shape, "shape");
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values but data has " + data.length);
        }
        if (validate) {
            Checks.finite(data, "data");
        }
        this.shape = shape;
        this.data = data;
    }

    /**
     * Creates a tensor from values and dimensions, copying the values.
     *
     * @param data  the values in row-major order, all finite
     * @param shape the dimensions; their product must equal {@code data.length}
     * @return the tensor
     * @throws IllegalArgumentException as for {@link #Tensor(int[], float[])}
     */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(shape, data);
    }

    /**
     * Creates a tensor of zeros.
     *
     * @param shape the dimensions, each at least 0
     * @return a tensor of the given shape filled with 0
     * @throws IllegalArgumentException if a dimension is negative or the element count overflows an int
     */
    public static Tensor zeros(int... shape) {
        int[] s = Checks.notNull(shape, "shape").clone();
        return new Tensor(s, new float[Checks.elementCount(s, "shape")], false);
    }

    /**
     * Creates a rank-2 tensor from rows of equal length, copying them.
     *
     * @param rows the rows; at least one, all of the same length, values finite
     * @return a tensor of shape {@code [rows.length, rows[0].length]}
     * @throws IllegalArgumentException if there are no rows, rows differ in length, or a value is not finite
     */
    public static Tensor ofRows(float[][] rows) {
        Checks.notNull(rows, "rows");
        if (rows.length == 0) {
            throw new IllegalArgumentException("rows must not be empty");
        }
        int cols = Checks.notNull(rows[0], "rows[0]").length;
        float[] data = new float[Math.multiplyExact(rows.length, cols)];
        for (int r = 0; r < rows.length; r++) {
            Checks.notNull(rows[r], "rows[" + r + "]");
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("rows[" + r + "] has " + rows[r].length + " values, rows[0] has " + cols);
            }
            System.arraycopy(rows[r], 0, data, r * cols, cols);
        }
        Checks.finite(data, "rows");
        return new Tensor(new int[] {rows.length, cols}, data, false);
    }

    /** @return a copy of the dimensions */
    public int[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions */
    public int rank() {
        return shape.length;
    }

    /**
     * @param axis a dimension index in {@code [0, rank())}
     * @return the size of that dimension
     * @throws IllegalArgumentException if the axis is out of range
     */
    public int dim(int axis) {
        if (axis < 0 || axis >= shape.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for a rank-" + shape.length + " tensor");
        }
        return shape[axis];
    }

    /** @return the number of values */
    public int size() {
        return data.length;
    }

    /**
     * @param index one index per dimension
     * @return the value at that index
     * @throws IllegalArgumentException if the number of indices differs from the rank or one is out of range
     */
    public float get(int... index) {
        return data[offset(index)];
    }

    /**
     * @param offset a flat row-major offset in {@code [0, size())}
     * @return the value at that offset
     * @throws IndexOutOfBoundsException if the offset is out of range
     */
    public float getFlat(int offset) {
        return data[offset];
    }

    /**
     * Returns one row of a rank-2 tensor, copied.
     *
     * @param r the row index in {@code [0, dim(0))}
     * @return the row's values
     * @throws IllegalArgumentException if the tensor is not rank 2 or the row is out of range
     */
    public float[] row(int r) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("row() needs a rank-2 tensor, this one has shape " + Arrays.toString(shape));
        }
        if (r < 0 || r >= shape[0]) {
            throw new IllegalArgumentException("row " + r + " is out of range [0, " + shape[0] + ")");
        }
        return Arrays.copyOfRange(data, r * shape[1], (r + 1) * shape[1]);
    }

    /** @return a read-only view of the values in row-major order, without copying */
    public FloatBuffer asBuffer() {
        return FloatBuffer.wrap(data).asReadOnlyBuffer();
    }

    /** @return a copy of the values in row-major order */
    public float[] toArray() {
        return data.clone();
    }

    /**
     * Returns the same values with another shape.
     *
     * @param newShape the new dimensions; their product must equal {@link #size()}
     * @return a tensor sharing nothing mutable with this one
     * @throws IllegalArgumentException if the element counts differ or a dimension is negative
     */
    public Tensor reshape(int... newShape) {
        return new Tensor(Checks.notNull(newShape, "newShape").clone(), data, false);
    }

    /**
     * Selects entries along the first dimension.
     *
     * @param indices indices into dimension 0, each in range; repeats are allowed
     * @return a tensor of shape {@code [indices.length, d1, ..., dk]}
     * @throws IllegalArgumentException if the tensor is rank 0 or an index is out of range
     */
    public Tensor select(int[] indices) {
        Checks.notNull(indices, "indices");
        if (shape.length == 0) {
            throw new IllegalArgumentException("select() needs a tensor of rank at least 1");
        }
        int stride = shape[0] == 0 ? 0 : data.length / shape[0];
        float[] out = new float[Math.multiplyExact(indices.length, stride)];
        for (int i = 0; i < indices.length; i++) {
            int k = indices[i];
            if (k < 0 || k >= shape[0]) {
                throw new IllegalArgumentException("indices[" + i + "] = " + k + " is out of range [0, " + shape[0] + ")");
            }
            System.arraycopy(data, k * stride, out, i * stride, stride);
        }
        int[] s = shape.clone();
        s[0] = indices.length;
        return new Tensor(s, out, false);
    }

    private int offset(int[] index) {
        Checks.notNull(index, "index");
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index has " + index.length + " components, the tensor has rank " + shape.length);
        }
        int off = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IllegalArgumentException("index[" + i + "] = " + index[i] + " is out of range [0, " + shape[i] + ")");
            }
            off = off * shape[i] + index[i];
        }
        return off;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
