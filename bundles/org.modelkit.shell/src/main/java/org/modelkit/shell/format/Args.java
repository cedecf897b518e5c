package org.modelkit.shell.format;

/**
 * Parses a command's option values, so that a bad value gets one line naming the option, the value
 * and what is expected (Gogo's own conversion answers {@code Cannot coerce ...}). Every method throws
 * {@link IllegalArgumentException}.
 */
public final class Args {
    private Args() {
    }

    /**
     * @param option the option as the user typed it, for example {@code -d}
     * @param value  its value
     * @param min    the least allowed value
     * @param max    the greatest allowed value
     * @return the value as an int
     */
    public static int wholeNumber(String option, String value, int min, int max) {
        long v = longNumber(option, value, min, max);
        return (int) v;
    }

    /**
     * @param option the option as the user typed it
     * @param value  its value
     * @param min    the least allowed value
     * @param max    the greatest allowed value
     * @return the value as a long
     */
    public static long longNumber(String option, String value, long min, long max) {
        long v;
        try {
            v = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + value + "': expected a whole number"
                    + range(Long.toString(min), Long.toString(max)));
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(option + " " + v + ": out of range" + range(Long.toString(min), Long.toString(max)));
        }
        return v;
    }

    /**
     * @param option        the option as the user typed it
     * @param value         its value
     * @param min           the least allowed value
     * @param max           the greatest allowed value (Double.MAX_VALUE: none, and none named)
     * @param minExclusive  whether min itself is refused
     * @return the value; NaN and infinities are refused
     */
    public static double number(String option, String value, double min, double max, boolean minExclusive) {
        double v;
        try {
            v = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        String range = " (expected a number " + (minExclusive ? "> " : "≥ ") + fmt(min)
                + (max == Double.MAX_VALUE ? "" : " and ≤ " + fmt(max)) + ")"; // MAX_VALUE: no upper bound to name
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(option + " '" + value + "': not a number" + range);
        }
        if (v < min || v > max || (minExclusive && v == min)) {
            throw new IllegalArgumentException(option + " " + value + ": out of range" + range);
        }
        return v;
    }

    /**
     * @param option the flag
     * @param value  {@code true} or {@code false} (Gogo passes the annotation's present or absent value)
     * @return the flag's value
     */
    public static boolean flag(String option, String value) {
        if ("true".equalsIgnoreCase(value)) {
            return true;
        }
        if ("false".equalsIgnoreCase(value)) {
            return false;
        }
        throw new IllegalArgumentException(option + " '" + value + "': expected true or false");
    }

    private static String range(String min, String max) {
        return max.equals(Long.toString(Long.MAX_VALUE)) || max.equals(Integer.toString(Integer.MAX_VALUE))
                ? " ≥ " + min : " from " + min + " to " + max;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
