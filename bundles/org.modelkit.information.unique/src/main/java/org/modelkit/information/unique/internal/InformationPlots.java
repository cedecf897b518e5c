package org.modelkit.information.unique.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.modelkit.api.data.Tensor;
import org.modelkit.io.PlotStyle;

/** The command's two pictures: the most and least informative samples, and the histogram of F-SI. */
final class InformationPlots {
    private InformationPlots() {
    }

    /** Tiles per row and rows per group in {@link #extremes}. */
    static final int PER_ROW = 8;
    static final int SHOWN = 32;

    /**
     * The {@value #SHOWN} samples with the most F-SI and the {@value #SHOWN} with the least, each with its
     * rank and label; flipped labels framed in red.
     *
     * @param features the samples {@code [n, h, w]}, {@code [n, c, h, w]} or {@code [n, d]}
     * @param fsi      F-SI per sample
     * @param labels   each sample's label as trained
     * @param flipped  which labels were flipped (may be null)
     */
    static BufferedImage extremes(String title, Tensor features, double[] fsi, List<String> labels, boolean[] flipped) {
        int n = fsi.length;
        Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.<Integer>comparingDouble(i -> -fsi[i])
                .thenComparingInt(i -> i)).toArray(Integer[]::new);
        int shown = Math.min(SHOWN, n);
        int[] shape = features.shape();
        int h;
        int w;
        int channels;
        if (shape.length == 3) {
            channels = 1;
            h = shape[1];
            w = shape[2];
        } else if (shape.length == 4 && (shape[1] == 1 || shape[1] == 3)) {
            channels = shape[1];
            h = shape[2];
            w = shape[3];
        } else {
            channels = 1;
            int d = features.size() / n;
            w = (int) Math.ceil(Math.sqrt(d));
            h = (d + w - 1) / w;
        }
        int per = features.size() / n;
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : features.toArray()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float span = hi > lo ? hi - lo : 1;
        int scale = Math.max(1, 56 / Math.max(h, w));
        int tile = Math.max(h, w) * scale;
        int cellW = tile + 14;
        int cellH = tile + 30;
        int rows = (shown + PER_ROW - 1) / PER_ROW;
        int left = 16;
        int top = 40;
        int groupGap = 34;
        int width = Math.max(left * 2 + PER_ROW * cellW, 560);
        int height = top + 2 * (groupGap + rows * cellH) + 10;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, left, 24);
            float[] x = features.toArray();
            for (int group = 0; group < 2; group++) {
                int y0 = top + group * (groupGap + rows * cellH);
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
                g.drawString(group == 0 ? "the " + shown + " most informative (highest F-SI first)" + (flipped == null ? ""
                        : "; red, *: a flipped label, shown as trained") : "the " + shown + " least informative (lowest F-SI last)",
                        left, y0 + 18);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                FontMetrics fm = g.getFontMetrics();
                for (int q = 0; q < shown; q++) {
                    int rank = group == 0 ? q : n - shown + q;
                    int i = order[rank];
                    int cx = left + (q % PER_ROW) * cellW;
                    int cy = y0 + 26 + (q / PER_ROW) * cellH;
                    for (int r = 0; r < h; r++) {
                        for (int c = 0; c < w; c++) {
                            int rgb;
                            if (channels == 3) {
                                int rr = grey(x, i * per + r * w + c, lo, span);
                                int gg = grey(x, i * per + h * w + r * w + c, lo, span);
                                int bb = grey(x, i * per + 2 * h * w + r * w + c, lo, span);
                                rgb = rr << 16 | gg << 8 | bb;
                            } else {
                                int v = r * w + c < per ? grey(x, i * per + r * w + c, lo, span) : 255;
                                rgb = v << 16 | v << 8 | v;
                            }
                            g.setColor(new Color(rgb));
                            g.fillRect(cx + c * scale, cy + r * scale, scale, scale);
                        }
                    }
                    boolean f = flipped != null && flipped[i];
                    g.setColor(f ? new Color(0xd62728) : Color.GRAY);
                    g.setStroke(new BasicStroke(f ? 3f : 1f));
                    g.drawRect(cx - 1, cy - 1, w * scale + 1, h * scale + 1);
                    g.setColor(f ? new Color(0xd62728) : Color.BLACK);
                    String caption = "#" + (rank + 1) + " " + labels.get(i) + (f ? " (flipped)" : "");
                    if (fm.stringWidth(caption) > cellW - 2) {
                        caption = "#" + (rank + 1) + " " + labels.get(i) + (f ? "*" : "");
                    }
                    g.drawString(caption, cx, cy + h * scale + 14);
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static int grey(float[] x, int at, float lo, float span) {
        return Math.max(0, Math.min(255, Math.round(255 * (1 - (x[at] - lo) / span))));
    }

    /**
     * The histogram of log10 F-SI, flipped and clean samples apart (or all together without flips).
     *
     * @param fsi     F-SI per sample
     * @param flipped which labels were flipped (may be null)
     */
    static BufferedImage histogram(String title, double[] fsi, boolean[] flipped) {
        double floor = Arrays.stream(fsi).filter(v -> v > 0).min().orElse(1e-30);
        double[] lg = Arrays.stream(fsi).map(v -> Math.log10(Math.max(v, floor))).toArray();
        double x0 = Arrays.stream(lg).min().orElse(0);
        double x1 = Arrays.stream(lg).max().orElse(1);
        if (x1 - x0 < 1e-9) {
            x0 -= 0.5;
            x1 += 0.5;
        }
        int bins = 30;
        boolean split = flipped != null && IntStream.range(0, fsi.length).anyMatch(i -> flipped[i]);
        int[][] count = new int[split ? 2 : 1][bins];
        for (int i = 0; i < fsi.length; i++) {
            int b = Math.min(bins - 1, (int) ((lg[i] - x0) / (x1 - x0) * bins));
            count[split && flipped[i] ? 1 : 0][b]++;
        }
        int ymax = 1;
        for (int[] c : count) {
            for (int v : c) {
                ymax = Math.max(ymax, v);
            }
        }
        int width = 800;
        int height = 480;
        int left = 70;
        int right = 200;
        int top = 40;
        int bottom = 60;
        int pw = width - left - right;
        int ph = height - top - bottom;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            for (double t : PlotStyle.ticks(x0, x1)) {
                int px = left + (int) Math.round((t - x0) / (x1 - x0) * pw);
                g.setColor(new Color(0xeeeeee));
                g.drawLine(px, top, px, top + ph);
                g.setColor(Color.DARK_GRAY);
                String s = PlotStyle.tickLabel(Math.pow(10, t));
                g.drawString(s, px - fm.stringWidth(s) / 2, top + ph + 16);
            }
            for (double t : PlotStyle.ticks(0, ymax * 1.05)) {
                int py = top + ph - (int) Math.round(t / (ymax * 1.05) * ph);
                g.setColor(new Color(0xeeeeee));
                g.drawLine(left, py, left + pw, py);
                g.setColor(Color.DARK_GRAY);
                String s = PlotStyle.tickLabel(t);
                g.drawString(s, left - 6 - fm.stringWidth(s), py + 4);
            }
            String[] names = split ? new String[] {"clean labels", "flipped labels"} : new String[] {"all samples"};
            int[] colours = {0, 1};
            double bw = (double) pw / bins;
            for (int sIdx = 0; sIdx < count.length; sIdx++) {
                Color c = PlotStyle.colour(colours[sIdx]);
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 150));
                for (int b = 0; b < bins; b++) {
                    if (count[sIdx][b] == 0) {
                        continue;
                    }
                    int bh = (int) Math.round(count[sIdx][b] / (ymax * 1.05) * ph);
                    g.fillRect(left + (int) Math.round(b * bw) + 1, top + ph - bh, Math.max(1, (int) Math.round(bw) - 2), bh);
                }
                g.fillRect(left + pw + 14, top + 6 + 20 * sIdx, 24, 12);
                g.setColor(Color.BLACK);
                long total = Arrays.stream(count[sIdx]).sum();
                g.drawString(names[sIdx] + " (" + total + ")", left + pw + 44, top + 17 + 20 * sIdx);
            }
            g.setColor(Color.BLACK);
            g.drawRect(left, top, pw, ph);
            String xl = "F-SI, nats (log scale)";
            g.drawString(xl, left + pw / 2 - fm.stringWidth(xl) / 2, height - 18);
            Graphics2D gy = (Graphics2D) g.create();
            gy.rotate(-Math.PI / 2);
            gy.drawString("samples", -(top + ph / 2) - fm.stringWidth("samples") / 2, 20);
            gy.dispose();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, left, 24);
        } finally {
            g.dispose();
        }
        return img;
    }
}
