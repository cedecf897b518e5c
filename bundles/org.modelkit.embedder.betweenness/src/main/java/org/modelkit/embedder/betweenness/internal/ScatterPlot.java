package org.modelkit.embedder.betweenness.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.TreeSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.io.PlotStyle;

/**
 * A scatter plot of node embeddings in two dimensions, coloured by label, with the graph's edges drawn
 * faintly underneath: either the first two coordinates or the first two principal components.
 */
final class ScatterPlot {
    private ScatterPlot() {
    }

    /** The 2-D points: coordinates 0 and 1, or the projection on the two leading principal axes. */
    static double[][] project(Tensor nodes, boolean pca) {
        int n = nodes.dim(0);
        int d = nodes.dim(1);
        double[][] xy = new double[n][2];
        if (!pca || d < 2) {
            for (int i = 0; i < n; i++) {
                xy[i][0] = nodes.get(i, 0);
                xy[i][1] = d > 1 ? nodes.get(i, 1) : 0;
            }
            return xy;
        }
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += nodes.get(i, j) / n;
            }
        }
        double[][] cov = new double[d][d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                double xa = nodes.get(i, a) - mean[a];
                for (int b = 0; b < d; b++) {
                    cov[a][b] += xa * (nodes.get(i, b) - mean[b]);
                }
            }
        }
        Eigen e = Eigen.dense(cov);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 2; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += (nodes.get(i, j) - mean[j]) * e.vectors()[j][d - 1 - c];
                }
                xy[i][c] = s;
            }
        }
        return xy;
    }

    /**
     * @param xy         the points, [n][2]; for a 1-D embedding every y is 0
     * @param edges      the graph's edges, drawn underneath
     * @param labels     a label per node (the colour), or null
     * @param labelNames the legend's name of each label, or null to show the numbers
     * @param title      the title
     * @param xAxis      the x axis's caption
     * @param yAxis      the y axis's caption, or null for a 1-D embedding (no y axis)
     * @return the picture
     */
    static BufferedImage render(double[][] xy, int[][] edges, int[] labels, List<String> labelNames, String title,
            String xAxis, String yAxis) {
        int w = 1000;
        int h = 700;
        int left = 80;
        int top = 50;
        int bottom = 70;
        int legend = 170; // right margin for the legend
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (double[] p : xy) {
            minX = Math.min(minX, p[0]);
            maxX = Math.max(maxX, p[0]);
            minY = Math.min(minY, p[1]);
            maxY = Math.max(maxY, p[1]);
        }
        // a little room around the points, and a non-empty range for a constant coordinate
        double padX = maxX > minX ? (maxX - minX) * 0.04 : Math.max(1e-9, Math.abs(minX) * 0.1 + 1e-9);
        double padY = maxY > minY ? (maxY - minY) * 0.04 : Math.max(1e-9, Math.abs(minY) * 0.1 + 1e-9);
        minX -= padX;
        maxX += padX;
        minY -= padY;
        maxY += padY;
        int pw = w - legend - left;
        int ph = h - top - bottom;
        double sx = pw / (maxX - minX);
        double sy = ph / (maxY - minY);
        double[][] px = new double[xy.length][2];
        for (int i = 0; i < xy.length; i++) {
            px[i][0] = left + (xy[i][0] - minX) * sx;
            px[i][1] = top + ph - (xy[i][1] - minY) * sy;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        var fm = g.getFontMetrics();
        for (double t : PlotStyle.ticks(minX, maxX)) {
            int x = (int) Math.round(left + (t - minX) * sx);
            g.setColor(new Color(0xeeeeee));
            g.drawLine(x, top, x, top + ph);
            g.setColor(Color.DARK_GRAY);
            String l = PlotStyle.tickLabel(t);
            g.drawString(l, x - fm.stringWidth(l) / 2, top + ph + 16);
        }
        if (yAxis != null) {
            for (double t : PlotStyle.ticks(minY, maxY)) {
                int y = (int) Math.round(top + ph - (t - minY) * sy);
                g.setColor(new Color(0xeeeeee));
                g.drawLine(left, y, left + pw, y);
                g.setColor(Color.DARK_GRAY);
                String l = PlotStyle.tickLabel(t);
                g.drawString(l, left - 6 - fm.stringWidth(l), y + 4);
            }
        }
        g.setColor(new Color(0, 0, 0, edges.length > 5000 ? 12 : 40));
        g.setStroke(new BasicStroke(0.6f));
        for (int[] e : edges) {
            g.draw(new Line2D.Double(px[e[0]][0], px[e[0]][1], px[e[1]][0], px[e[1]][1]));
        }
        double r = xy.length > 5000 ? 1.5 : xy.length > 500 ? 3 : 6;
        for (int i = 0; i < xy.length; i++) {
            g.setColor(PlotStyle.colour(labels == null ? 0 : labels[i]));
            g.fill(new Ellipse2D.Double(px[i][0] - r, px[i][1] - r, 2 * r, 2 * r));
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        fm = g.getFontMetrics();
        g.drawString(xAxis, left + pw / 2 - fm.stringWidth(xAxis) / 2, h - 25);
        if (yAxis != null) {
            Graphics2D gy = (Graphics2D) g.create();
            gy.rotate(-Math.PI / 2);
            gy.drawString(yAxis, -(top + ph / 2) - fm.stringWidth(yAxis) / 2, 22);
            gy.dispose();
        }
        if (labels != null) {
            TreeSet<Integer> distinct = new TreeSet<>();
            for (int l : labels) {
                distinct.add(l);
            }
            int y = top + 10;
            for (int l : distinct) {
                if (y > h - bottom) {
                    g.drawString("...", w - legend + 30, y);
                    break;
                }
                g.setColor(PlotStyle.colour(l));
                g.fillOval(w - legend + 15, y - 9, 10, 10);
                g.setColor(Color.DARK_GRAY);
                String name = labelNames != null && l < labelNames.size() ? labelNames.get(l) : "label " + l;
                g.drawString(name.length() > 18 ? name.substring(0, 17) + "…" : name, w - legend + 30, y);
                y += 18;
            }
        }
        g.dispose();
        return img;
    }
}
