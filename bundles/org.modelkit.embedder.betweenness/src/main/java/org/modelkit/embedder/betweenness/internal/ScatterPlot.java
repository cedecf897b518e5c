package org.modelkit.embedder.betweenness.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.util.TreeSet;
import org.modelkit.api.data.Tensor;

/**
 * A scatter plot of node embeddings in two dimensions, coloured by label, with the graph's edges drawn
 * faintly underneath: either the first two coordinates or the first two principal components.
 */
final class ScatterPlot {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf), new Color(0x393b79), new Color(0xad494a)};

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

    static BufferedImage render(double[][] xy, int[][] edges, int[] labels, String title, String axes) {
        int w = 1000;
        int h = 700;
        int m = 60;
        int legend = 120; // right margin for the legend
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
        double sx = maxX > minX ? (w - legend - 2.0 * m) / (maxX - minX) : 1;
        double sy = maxY > minY ? (h - 2.0 * m) / (maxY - minY) : 1;
        double[][] px = new double[xy.length][2];
        for (int i = 0; i < xy.length; i++) {
            px[i][0] = m + (xy[i][0] - minX) * sx;
            px[i][1] = h - m - (xy[i][1] - minY) * sy;
        }
        g.setColor(new Color(0, 0, 0, edges.length > 5000 ? 12 : 40));
        g.setStroke(new BasicStroke(0.6f));
        for (int[] e : edges) {
            g.draw(new Line2D.Double(px[e[0]][0], px[e[0]][1], px[e[1]][0], px[e[1]][1]));
        }
        double r = xy.length > 5000 ? 1.5 : xy.length > 500 ? 3 : 6;
        for (int i = 0; i < xy.length; i++) {
            int l = labels == null ? 0 : labels[i];
            g.setColor(PALETTE[l % PALETTE.length]);
            g.fill(new Ellipse2D.Double(px[i][0] - r, px[i][1] - r, 2 * r, 2 * r));
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(m - 10, m - 10, w - legend - 2 * m + 20, h - 2 * m + 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, m - 10, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(axes, m - 10, h - 20);
        if (labels != null) {
            TreeSet<Integer> distinct = new TreeSet<>();
            for (int l : labels) {
                distinct.add(l);
            }
            int y = m + 5;
            for (int l : distinct) {
                if (y > h - m) {
                    break;
                }
                g.setColor(PALETTE[l % PALETTE.length]);
                g.fillOval(w - legend + 5, y - 9, 10, 10);
                g.setColor(Color.DARK_GRAY);
                g.drawString("label " + l, w - legend + 20, y);
                y += 18;
            }
        }
        g.dispose();
        return img;
    }
}
