package org.modelkit.embedder.betweenness.internal;

import dev.ludovic.netlib.arpack.ARPACK;
import dev.ludovic.netlib.arpack.JavaARPACK;
import java.util.Random;
import org.modelkit.api.progress.Progress;
import org.netlib.util.doubleW;
import org.netlib.util.intW;

/**
 * A few extreme eigenpairs of a large sparse symmetric matrix by ARPACK's implicitly restarted Lanczos
 * ({@code dsaupd}/{@code dseupd}, Lehoucq, Sorensen and Yang), the solver scipy's {@code eigsh} and Spark MLlib
 * call. The library is dev.ludovic.netlib's ARPACK in its pure-Java form (the f2j translation of the Fortran):
 * its native form needs a system libarpack, which a deployment cannot be assumed to have. Driven by reverse
 * communication: ARPACK asks for products with the operator, which {@link Lanczos.Operator} computes.
 *
 * <p>The benchmark's comparison for the embedder's own solvers (SpectralTiming): on the collection's graphs it
 * needs as many products as the thick-restart {@link Lanczos} and takes 1.2-2x its time, and, like any Krylov
 * solver on the whole matrix, it misses copies of eigenvalues repeated across components; so the embedder does not
 * use it ({@link ComponentSpectra} and {@link Lanczos#largestFiltered} do the work).
 */
final class Arpack {
    private Arpack() {
    }

    /**
     * @param a       the symmetric operator
     * @param n       its size
     * @param k       eigenpairs wanted, 1 ≤ k &lt; n
     * @param which   the end of the spectrum
     * @param tol     relative accuracy of the Ritz values (ARPACK's {@code tol}: residual ≤ tol·|θ|)
     * @param seed    the start vector's seed
     * @param progress one report per restart ("eigensolver restarts"), may cancel
     * @return the eigenpairs ascending, with products and restarts counted
     * @throws IllegalStateException naming ARPACK's error code if it fails or does not converge
     */
    static Lanczos.Result solve(Lanczos.Operator a, int n, int k, Lanczos.Which which, double tol, long seed,
            Progress progress) {
        if (k < 1 || k >= n) {
            throw new IllegalArgumentException("k = " + k + " eigenpairs requested of an operator of size " + n
                    + " (ARPACK needs k < n)");
        }
        ARPACK arpack = JavaARPACK.getInstance();
        String mode = switch (which) {
            case LARGEST -> "LA";
            case SMALLEST -> "SA";
            case MAGNITUDE -> "LM";
        };
        int ncv = Math.min(n, Math.max(2 * k + 1, 20));
        double[] resid = new double[n];
        Random rnd = new Random(seed);
        for (int i = 0; i < n; i++) {
            resid[i] = rnd.nextGaussian(); // a random start: a constant one misses repeated eigenvalues
        }
        double[] v = new double[n * ncv];
        int[] iparam = new int[11];
        iparam[0] = 1; // exact shifts
        iparam[2] = 10_000; // most restarts
        iparam[6] = 1; // standard problem A x = λ x
        int[] ipntr = new int[11];
        double[] workd = new double[3 * n];
        int lworkl = ncv * (ncv + 8);
        double[] workl = new double[lworkl];
        intW ido = new intW(0);
        intW info = new intW(1); // 1: resid holds the start vector
        doubleW tolW = new doubleW(tol);
        double[] x = new double[n];
        double[] y = new double[n];
        int products = 0;
        int lastRestart = 0;
        while (true) {
            arpack.dsaupd(ido, "I", n, mode, k, tolW, resid, ncv, v, n, iparam, ipntr, workd, workl, lworkl, info);
            if (ido.val != 1 && ido.val != -1) {
                break;
            }
            System.arraycopy(workd, ipntr[0] - 1, x, 0, n);
            a.apply(x, y);
            System.arraycopy(y, 0, workd, ipntr[1] - 1, n);
            products++;
            if (products % ncv == 0) { // ARPACK does not say when it restarts; report about once a basis
                progress.report("eigensolver restarts", ++lastRestart, -1);
                progress.checkCancelled();
            }
        }
        if (info.val != 0) {
            throw new IllegalStateException("ARPACK dsaupd failed with info = " + info.val
                    + (info.val == 1 ? " (no convergence within " + iparam[2] + " restarts)" : "") + " for " + k
                    + " eigenpairs of an operator of size " + n);
        }
        boolean[] select = new boolean[ncv];
        double[] d = new double[k];
        double[] z = new double[n * k];
        intW nev = new intW(k);
        arpack.dseupd(true, "A", select, d, z, n, 0, "I", n, mode, nev, tol, resid, ncv, v, n, iparam, ipntr, workd,
                workl, lworkl, info);
        if (info.val != 0) {
            throw new IllegalStateException("ARPACK dseupd failed with info = " + info.val + " for " + k
                    + " eigenpairs of an operator of size " + n);
        }
        int restarts = iparam[2];
        // ARPACK returns the values ascending (for LA, SA and LM alike): order them so, and check the residuals
        Integer[] order = new Integer[k];
        for (int c = 0; c < k; c++) {
            order[c] = c;
        }
        java.util.Arrays.sort(order, (p, q) -> Double.compare(d[p], d[q]));
        double[] vals = new double[k];
        double[][] vecs = new double[n][k];
        double maxRes = 0;
        for (int c = 0; c < k; c++) {
            int col = order[c];
            vals[c] = d[col];
            System.arraycopy(z, col * n, x, 0, n);
            a.apply(x, y);
            double r = 0;
            for (int i = 0; i < n; i++) {
                vecs[i][c] = x[i];
                double e = y[i] - d[col] * x[i];
                r += e * e;
            }
            maxRes = Math.max(maxRes, Math.sqrt(r));
        }
        Eigen.fixSigns(vecs);
        return new Lanczos.Result(new Eigen(vals, vecs), maxRes, iparam[8], restarts);
    }
}
