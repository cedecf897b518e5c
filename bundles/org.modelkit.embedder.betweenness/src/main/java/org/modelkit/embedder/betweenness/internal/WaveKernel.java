package org.modelkit.embedder.betweenness.internal;

/**
 * Wave-kernel signatures (Aubry, Schlickewei and Cremers, 2011) from eigenpairs: with energies
 * {@code e_k = log|value_k|}, N energy samples {@code es_j = lo + j δ} evenly spaced over the whole
 * log-spectrum [lo, hi] = [min e, max e] (spacing {@code δ = (hi - lo)/(N - 1)}), bump width
 * {@code σ = w δ}, and {@code T[k][j] = exp(-(e_k - es_j)^2 / (2 σ^2))}:
 * {@code WKS(x, j) = Σ_k B[x][k]^2 T[k][j] / Σ_k T[k][j]}.
 *
 * <p>The width is w times the spacing between energy samples, as in the signature's original
 * definition and its authors' code (there {@code sigma = (e(2) - e(1)) * wks_variance}). An earlier
 * version took {@code σ = w (hi - lo)/N} and sampled [lo + 2σ, hi - 2σ], the reading of the
 * embedding paper's code: that interval is empty whenever N &lt; 4w (N &lt; 28 for w = 7), so every
 * sample collapsed onto one energy and a 16-dimensional descriptor was one number repeated 16 times.
 * Spanning the whole range keeps the N energies distinct for every N ≥ 2 and lets the lowest and
 * highest eigenvalues (the community and the finest-scale structure) fall on a sample each.
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
        double[] es = energies(lo, hi, samples);
        double s = samples == 1 || hi - lo < 1e-9 ? 1 : width * (es[1] - es[0]);
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

    /**
     * N energies evenly spaced over [lo, hi], both ends included (one sample: the middle). With a
     * single distinct energy (lo = hi) every sample sits on it: there is only one energy to describe.
     */
    static double[] energies(double lo, double hi, int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("the number of energy samples must be at least 1, not " + samples);
        }
        double[] es = new double[samples];
        for (int j = 0; j < samples; j++) {
            es[j] = samples == 1 ? (lo + hi) / 2 : lo + (hi - lo) * j / (samples - 1);
        }
        return es;
    }
}
