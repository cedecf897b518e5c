package org.modelkit.embedder.betweenness.internal;

/**
 * A symmetric matrix on the arcs of a {@link SimpleGraph}: entry (u, v) is {@code edgeValue[e]} for
 * the edge e joining them, plus a diagonal. Products, dense copies, and the symmetric normalised
 * Laplacian {@code L = I - D^{-1/2} W D^{-1/2}} (rows of isolated nodes are zero, as in networkx).
 */
final class SparseSym implements Lanczos.Operator {
    final SimpleGraph g;
    final double[] arcValue;
    final double[] diag;

    private SparseSym(SimpleGraph g, double[] arcValue, double[] diag) {
        this.g = g;
        this.arcValue = arcValue;
        this.diag = diag;
    }

    /** The weighted adjacency W with the given value per edge. */
    static SparseSym adjacency(SimpleGraph g, double[] edgeValue) {
        double[] av = new double[g.adj.length];
        for (int a = 0; a < av.length; a++) {
            av[a] = edgeValue[g.arcEdge[a]];
        }
        return new SparseSym(g, av, new double[g.n]);
    }

    /** The weighted degrees (row sums). */
    double[] degrees() {
        double[] d = new double[g.n];
        for (int u = 0; u < g.n; u++) {
            for (int a = g.off[u]; a < g.off[u + 1]; a++) {
                d[u] += arcValue[a];
            }
        }
        return d;
    }

    /** {@code I - D^{-1/2} W D^{-1/2}} for this W (zero rows for isolated nodes). */
    SparseSym normalizedLaplacian() {
        double[] d = degrees();
        double[] inv = new double[g.n];
        double[] diagL = new double[g.n];
        for (int u = 0; u < g.n; u++) {
            inv[u] = d[u] > 0 ? 1 / Math.sqrt(d[u]) : 0;
            diagL[u] = d[u] > 0 ? 1 : 0;
        }
        double[] av = new double[arcValue.length];
        for (int u = 0; u < g.n; u++) {
            for (int a = g.off[u]; a < g.off[u + 1]; a++) {
                av[a] = -arcValue[a] * inv[u] * inv[g.adj[a]];
            }
        }
        return new SparseSym(g, av, diagL);
    }

    /** {@code c I - this}: turns the smallest eigenvalues into the largest. */
    SparseSym shiftedNegation(double c) {
        double[] av = new double[arcValue.length];
        double[] dg = new double[g.n];
        for (int a = 0; a < av.length; a++) {
            av[a] = -arcValue[a];
        }
        for (int u = 0; u < g.n; u++) {
            dg[u] = c - diag[u];
        }
        return new SparseSym(g, av, dg);
    }

    @Override
    public void apply(double[] x, double[] y) {
        for (int u = 0; u < g.n; u++) {
            double s = diag[u] * x[u];
            for (int a = g.off[u], end = g.off[u + 1]; a < end; a++) {
                s += arcValue[a] * x[g.adj[a]];
            }
            y[u] = s;
        }
    }

    /** Squared Frobenius norm. */
    double frobenius2() {
        double s = 0;
        for (double v : arcValue) {
            s += v * v;
        }
        for (double v : diag) {
            s += v * v;
        }
        return s;
    }

    double[][] dense() {
        double[][] m = new double[g.n][g.n];
        for (int u = 0; u < g.n; u++) {
            m[u][u] = diag[u];
            for (int a = g.off[u]; a < g.off[u + 1]; a++) {
                m[u][g.adj[a]] += arcValue[a];
            }
        }
        return m;
    }

    /** {@code this * X} for a dense n x c matrix X (rows = nodes). */
    double[][] timesDense(double[][] x) {
        int c = x[0].length;
        double[][] out = new double[g.n][c];
        for (int u = 0; u < g.n; u++) {
            double[] o = out[u];
            double du = diag[u];
            double[] xu = x[u];
            for (int j = 0; j < c; j++) {
                o[j] = du * xu[j];
            }
            for (int a = g.off[u]; a < g.off[u + 1]; a++) {
                double w = arcValue[a];
                double[] xv = x[g.adj[a]];
                for (int j = 0; j < c; j++) {
                    o[j] += w * xv[j];
                }
            }
        }
        return out;
    }
}
