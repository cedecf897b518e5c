package org.modelkit.embedder.betweenness.internal;

/**
 * Wave-kernel signatures (Aubry, Schlickewei and Cremers, 2011) from eigenpairs: with energies
 * {@code e_k = log|value_k|}, N energy samples {@code es_j} evenly spread over [min e + 2s, max e - 2s]
 * with {@code s = width (max e - min e) / N}, and {@code T[k][j] = exp(-(e_k - es_j)^2 / (2 s^2))}:
 * {@code WKS(x, j) = Σ_k B[x][k]^2 T[k][j] / Σ_k T[k][j]}.
 *
 * <p>This is the standard, sign-invariant signature: it depends on squared eigenvector entries only,
 * so it does not change with the sign an eigensolver gives a vector (the authors' code multiplies by
 * the eigenvectors again, which does). An implicit eigenspace can be added: {@code count} further
 * eigenvectors sharing one energy whose squared entries at node x sum to {@code weight[x]} (the
 * complement of a low-rank part), so truncated spectra still give exact signatures.
 */
final class WaveKernel {
    private WaveKernel() {
    }

    /**
     * @param values          eigenvalues (zeros are skipped: their log is -infinity)
     * @param vectors         n x K eigenvectors as columns
     * @param samples         N, the number of energies, at least 1
     * @param width           the kernel width factor w (7 in the paper's code)
     * @param implicitValue   the eigenvalue of the implicit eigenspace, or NaN for none
     * @param implicitWeight  per node, the sum of squared entries of the implicit eigenvectors
     * @param implicitCount   its dimension
     * @return n x N descriptors
     */
    static double[][] signatures(double[] values, double[][] vectors, int samples, double width, double implicitValue,
            double[] implicitWeight, long implicitCount) {
        int n = vectors.length;
        int k = values.length;
        double[] e = new double[k];
        boolean[] use = new boolean[k];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            use[i] = Math.abs(values[i]) > 1e-10;
            if (use[i]) {
                e[i] = Math.log(Math.abs(values[i]));
                lo = Math.min(lo, e[i]);
                hi = Math.max(hi, e[i]);
            }
        }
        boolean implicit = !Double.isNaN(implicitValue) && implicitCount > 0 && Math.abs(implicitValue) > 1e-10;
        double ei = implicit ? Math.log(Math.abs(implicitValue)) : 0;
        if (implicit) {
            lo = Math.min(lo, ei);
            hi = Math.max(hi, ei);
        }
        if (!(hi >= lo)) {
            throw new IllegalArgumentException("no non-zero eigenvalue to build wave-kernel signatures from");
        }
        double s = width * (hi - lo) / samples;
        if (s < 1e-9) {
            s = 1; // a single energy: one bump
        }
        double from = lo + 2 * s;
        double to = hi - 2 * s;
        if (to < from) {
            from = (lo + hi) / 2;
            to = from;
        }
        double[] es = new double[samples];
        for (int j = 0; j < samples; j++) {
            es[j] = samples == 1 ? (from + to) / 2 : from + (to - from) * j / (samples - 1);
        }
        double[][] t = new double[k][samples];
        double[] norm = new double[samples];
        double[] ti = new double[samples];
        for (int j = 0; j < samples; j++) {
            for (int i = 0; i < k; i++) {
                if (use[i]) {
                    double d = e[i] - es[j];
                    t[i][j] = Math.exp(-d * d / (2 * s * s));
                    norm[j] += t[i][j];
                }
            }
            if (implicit) {
                double d = ei - es[j];
                ti[j] = Math.exp(-d * d / (2 * s * s));
                norm[j] += implicitCount * ti[j];
            }
        }
        double[][] out = new double[n][samples];
        for (int x = 0; x < n; x++) {
            double[] row = vectors[x];
            double[] o = out[x];
            for (int i = 0; i < k; i++) {
                if (!use[i]) {
                    continue;
                }
                double b2 = row[i] * row[i];
                double[] ti2 = t[i];
                for (int j = 0; j < samples; j++) {
                    o[j] += b2 * ti2[j];
                }
            }
            for (int j = 0; j < samples; j++) {
                if (implicit) {
                    o[j] += implicitWeight[x] * ti[j];
                }
                o[j] = norm[j] > 0 ? o[j] / norm[j] : 0;
            }
        }
        return out;
    }
}
