package org.modelkit.io;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Line charts written as PNG (headless Java2D, atomically): accuracy per epoch, loss per step. Series
 * with the same colour index and a dashed style can pair up (student dashed, teacher solid). A y axis
 * on a log scale suits losses.
 */
public final class LinePlot {
    /**
     * One line.
     *
     * @param name   the legend entry
     * @param x      the x values
     * @param y      the y values, as many; NaN values break the line
     * @param colour an index into {@link PlotStyle}'s palette
     * @param dashed whether the line is dashed
     */
    public record Series(String name, double[] x, double[] y, int colour, boolean dashed) {
        /** @throws IllegalArgumentException if x and y differ in length or are empty */
        public Series {
            if (x == null || y == null || x.length != y.length || x.length == 0) {
                throw new IllegalArgumentException("series '" + name + "' needs as many x as y values, at least one");
            }
            x = x.clone();
            y = y.clone();
        }

        /**
         * @param name   the legend entry
         * @param y      values at x = 1, 2, ...
         * @param colour a palette index
         * @param dashed whether dashed
         * @return the series
         */
        public static Series of(String name, double[] y, int colour, boolean dashed) {
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            return new Series(name, x, y, colour, dashed);
        }
    }

    private LinePlot() {
    }

    /**
     * @param file   the PNG to write
     * @param title  the title
     * @param xLabel the x axis label
     * @param yLabel the y axis label
     * @param logY   whether the y axis is logarithmic (non-positive values are left out)
     * @param series the lines, at least one
     * @throws IllegalArgumentException if there is no series or no finite point to draw
     * @throws IOException if writing fails; the file is then as it was
     */
    public static void write(Path file, String title, String xLabel, String yLabel, boolean logY, List<Series> series)
            throws IOException {
        if (series == null || series.isEmpty()) {
            throw new IllegalArgumentException("a plot needs at least one series");
        }
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double y = value(s.y()[i], logY);
                if (Double.isFinite(s.x()[i]) && Double.isFinite(y)) {
                    x0 = Math.min(x0, s.x()[i]);
                    x1 = Math.max(x1, s.x()[i]);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        if (!Double.isFinite(x0)) {
            throw new IllegalArgumentException("plot '" + title + "' has no finite point to draw");
        }
        if (x1 == x0) {
            x1 = x0 + 1;
        }
        if (y1 == y0) {
            y1 = y0 + (logY ? 1 : Math.max(1e-9, Math.abs(y0) * 0.1));
            y0 = y0 - (logY ? 0 : Math.max(1e-9, Math.abs(y0) * 0.1));
        }
        double pad = (y1 - y0) * 0.05;
        y0 -= pad;
        y1 += pad;
        int width = 800;
        int height = 480;
        int left = 80;
        int right = 230;
        int top = 40;
        int bottom = 60;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int pw = width - left - right;
            int ph = height - top - bottom;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            // grid and ticks
            for (double t : PlotStyle.ticks(x0, x1)) {
                int px = left + (int) Math.round((t - x0) / (x1 - x0) * pw);
                g.setColor(new Color(0xeeeeee));
                g.drawLine(px, top, px, top + ph);
                g.setColor(Color.DARK_GRAY);
                String s = PlotStyle.tickLabel(t);
                g.drawString(s, px - fm.stringWidth(s) / 2, top + ph + 16);
            }
            for (double t : PlotStyle.ticks(y0, y1)) {
                int py = top + ph - (int) Math.round((t - y0) / (y1 - y0) * ph);
                g.setColor(new Color(0xeeeeee));
                g.drawLine(left, py, left + pw, py);
                g.setColor(Color.DARK_GRAY);
                String s = logY ? PlotStyle.tickLabel(Math.pow(10, t)) : PlotStyle.tickLabel(t);
                g.drawString(s, left - 6 - fm.stringWidth(s), py + 4);
            }
            g.setColor(Color.BLACK);
            g.drawRect(left, top, pw, ph);
            g.drawString(xLabel, left + pw / 2 - fm.stringWidth(xLabel) / 2, height - 18);
            Graphics2D gy = (Graphics2D) g.create();
            gy.rotate(-Math.PI / 2);
            gy.drawString(yLabel + (logY ? " (log scale)" : ""), -(top + ph / 2) - fm.stringWidth(yLabel) / 2, 20);
            gy.dispose();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, left, 24);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int ly = top + 10;
            for (Series s : series) {
                Color c = PlotStyle.colour(s.colour());
                g.setColor(c);
                g.setStroke(stroke(s.dashed()));
                Path2D path = new Path2D.Double();
                boolean pen = false;
                for (int i = 0; i < s.x().length; i++) {
                    double y = value(s.y()[i], logY);
                    if (!Double.isFinite(y) || !Double.isFinite(s.x()[i])) {
                        pen = false;
                        continue;
                    }
                    double px = left + (s.x()[i] - x0) / (x1 - x0) * pw;
                    double py = top + ph - (y - y0) / (y1 - y0) * ph;
                    if (pen) {
                        path.lineTo(px, py);
                    } else {
                        path.moveTo(px, py);
                        pen = true;
                    }
                }
                g.draw(path);
                g.drawLine(left + pw + 12, ly, left + pw + 40, ly);
                g.setColor(Color.BLACK);
                g.drawString(s.name(), left + pw + 46, ly + 4);
                ly += 18;
            }
        } finally {
            g.dispose();
        }
        Images.writePng(file, img);
    }

    private static BasicStroke stroke(boolean dashed) {
        return dashed ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
                : new BasicStroke(2f);
    }

    private static double value(double y, boolean logY) {
        return logY ? (y > 0 ? Math.log10(y) : Double.NaN) : y;
    }

    /** About six round tick values in [lo, hi]. */
}
