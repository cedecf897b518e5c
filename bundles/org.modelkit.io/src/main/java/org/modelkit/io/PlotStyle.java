package org.modelkit.io;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What every picture Modelkit writes shares: one colour palette (matplotlib's tab10, then two more
 * for up to twelve classes) and axis ticks at round numbers with short labels.
 */
public final class PlotStyle {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf), new Color(0x393b79), new Color(0xad494a)};

    private PlotStyle() {
    }

    /**
     * @param index any integer, for example a class label or a series number
     * @return the palette colour for it (the palette repeats after {@link #colours()} entries)
     */
    public static Color colour(int index) {
        return PALETTE[Math.floorMod(index, PALETTE.length)];
    }

    /** @return how many distinct colours the palette has */
    public static int colours() {
        return PALETTE.length;
    }

    /**
     * @param lo the smallest value shown
     * @param hi the largest value shown, above lo
     * @return about six ticks at multiples of 1, 2 or 5 times a power of ten within [lo, hi]
     */
    public static List<Double> ticks(double lo, double hi) {
        List<Double> out = new ArrayList<>();
        if (!(hi > lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            out.add(lo);
            return out;
        }
        double raw = (hi - lo) / 6;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3 ? 2 * mag : raw / mag < 7 ? 5 * mag : 10 * mag;
        for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return out;
    }

    /**
     * @param v a tick value
     * @return it in at most three significant digits, without trailing zeros
     */
    public static String tickLabel(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.3g", v);
        return s.contains("e") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
