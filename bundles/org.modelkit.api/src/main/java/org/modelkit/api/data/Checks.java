package org.modelkit.api.data;

/** Argument checks shared by the value types; messages name the argument and the problem. */
final class Checks {
    private Checks() {
    }

    static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    static int nonNegative(int value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value;
    }

    static int positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    /** Product of the dimensions, rejecting negative dimensions and overflow past Integer.MAX_VALUE. */
    static int elementCount(int[] shape, String name) {
        notNull(shape, name);
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException(name + "[" + i + "] must not be negative, got " + shape[i]);
            }
            n *= shape[i];
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " " + java.util.Arrays.toString(shape)
                        + " has more than " + Integer.MAX_VALUE + " elements");
            }
        }
        return (int) n;
    }

    static void finite(float[] values, String name) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] is " + values[i] + "; values must be finite");
            }
        }
    }

    static void finite(double[] values, String name) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] is " + values[i] + "; values must be finite");
            }
        }
    }

    static void inUnitRange(float[] values, String name) {
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!(v >= 0f && v <= 1f)) {
                throw new IllegalArgumentException(name + "[" + i + "] is " + v + "; values must lie in [0, 1]");
            }
        }
    }
}
