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
        int[] all = new int[n];
        for (int x = 0; x < n; x++) {
            all[x] = x;
        }
        return signatures(java.util.List.of(new Block(all, values, vectors, implicitValue, implicitWeight, implicitCount)), n,
                samples, width);
    }

    /**
     * The eigenpairs of a block-diagonal matrix, one block per group of nodes (a connected component).
     *
     * @param nodes          the block's nodes
     * @param values         its eigenvalues
     * @param vectors        its eigenvectors as columns, one row per node of {@code nodes}
     * @param implicitValue  the eigenvalue of its implicit eigenspace, or NaN for none
     * @param implicitWeight per node of {@code nodes}, the sum of squared entries of the implicit eigenvectors
     * @param implicitCount  the implicit eigenspace's dimension
     */
    record Block(int[] nodes, double[] values, double[][] vectors, double implicitValue, double[] implicitWeight,
            long implicitCount) {
        boolean implicit() {
            return !Double.isNaN(implicitValue) && implicitCount > 0 && Math.abs(implicitValue) > 1e-10;
        }
    }

    /**
     * The signatures of a block-diagonal matrix's eigenpairs: the energies and the normalisation are taken over all
     * blocks' eigenvalues, as for one matrix; each node's row comes from its own block's vectors.
     *
     * @param n the number of nodes over all blocks
     * @return n x N descriptors
     */
    static double[][] signatures(java.util.List<Block> blocks, int n, int samples, double width) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Block b : blocks) {
            for (double v : b.values()) {
                if (Math.abs(v) > 1e-10) {
                    lo = Math.min(lo, Math.log(Math.abs(v)));
                    hi = Math.max(hi, Math.log(Math.abs(v)));
                }
            }
            if (b.implicit()) {
                lo = Math.min(lo, Math.log(Math.abs(b.implicitValue())));
                hi = Math.max(hi, Math.log(Math.abs(b.implicitValue())));
            }
        }
        if (!(hi >= lo)) {
            throw new IllegalArgumentException("no non-zero eigenvalue to build wave-kernel signatures from");
        }
        double[] es = energies(lo, hi, samples);
        double s = samples == 1 || hi - lo < 1e-9 ? 1 : width * (es[1] - es[0]);
        double[][] ts = new double[blocks.size()][];
        double[][][] tb = new double[blocks.size()][][];
        double[] norm = new double[samples];
        for (int bi = 0; bi < blocks.size(); bi++) {
            Block b = blocks.get(bi);
            int k = b.values().length;
            tb[bi] = new double[k][];
            for (int i = 0; i < k; i++) {
                if (Math.abs(b.values()[i]) > 1e-10) {
                    tb[bi][i] = bumps(Math.log(Math.abs(b.values()[i])), es, s);
                    for (int j = 0; j < samples; j++) {
                        norm[j] += tb[bi][i][j];
                    }
                }
            }
            if (b.implicit()) {
                ts[bi] = bumps(Math.log(Math.abs(b.implicitValue())), es, s);
                for (int j = 0; j < samples; j++) {
                    norm[j] += b.implicitCount() * ts[bi][j];
                }
            }
        }
        double[][] out = new double[n][];
        for (int bi = 0; bi < blocks.size(); bi++) {
            Block b = blocks.get(bi);
            for (int x = 0; x < b.nodes().length; x++) {
                double[] row = b.vectors()[x];
                double[] o = new double[samples];
                for (int i = 0; i < row.length; i++) {
                    double[] ti = tb[bi][i];
                    if (ti == null) {
                        continue; // a zero eigenvalue: its log is -infinity
                    }
                    double b2 = row[i] * row[i];
                    for (int j = 0; j < samples; j++) {
                        o[j] += b2 * ti[j];
                    }
                }
                for (int j = 0; j < samples; j++) {
                    if (ts[bi] != null) {
                        o[j] += b.implicitWeight()[x] * ts[bi][j];
                    }
                    o[j] = norm[j] > 0 ? o[j] / norm[j] : 0;
                }
                out[b.nodes()[x]] = o;
            }
        }
        return out;
    }

    /** exp(-(e - es_j)^2 / (2 s^2)) for every energy sample. */
    private static double[] bumps(double e, double[] es, double s) {
        double[] t = new double[es.length];
        for (int j = 0; j < es.length; j++) {
            double d = e - es[j];
            t[j] = Math.exp(-d * d / (2 * s * s));
        }
        return t;
    }

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
