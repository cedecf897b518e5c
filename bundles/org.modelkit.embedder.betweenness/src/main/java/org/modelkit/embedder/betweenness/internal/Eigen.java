package org.modelkit.embedder.betweenness.internal;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Eigenpairs of a symmetric matrix: values ascending, vectors as the columns of an n x k array
 * {@code vectors[row][col]}, each vector's sign fixed so that its entry of largest magnitude is
 * positive (the first such entry on ties), which makes results independent of the solver's sign choice.
 *
 * @param values  eigenvalues, ascending
 * @param vectors {@code vectors[i][k]} = component i of eigenvector k
 */
record Eigen(double[] values, double[][] vectors) {

    int size() {
        return values.length;
    }

    /** Dense symmetric eigendecomposition with EJML. */
    static Eigen dense(double[][] a) {
        int n = a.length;
        DMatrixRMaj m = new DMatrixRMaj(a);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(m)) {
            throw new IllegalStateException("the dense symmetric eigensolver did not converge (n = " + n + ")");
        }
        double[] vals = new double[n];
        double[][] vecs = new double[n][n];
        for (int k = 0; k < n; k++) {
            vals[k] = eig.getEigenvalue(k).real;
        }
        Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(k -> vals[k]))
                .toArray(Integer[]::new);
        double[] sorted = new double[n];
        for (int c = 0; c < n; c++) {
            int k = order[c];
            sorted[c] = vals[k];
            DMatrixRMaj v = eig.getEigenVector(k);
            for (int i = 0; i < n; i++) {
                vecs[i][c] = v.get(i, 0);
            }
        }
        fixSigns(vecs);
        return new Eigen(sorted, vecs);
    }

    /** Makes the largest-magnitude entry of every column positive. */
    static void fixSigns(double[][] vecs) {
        if (vecs.length == 0) {
            return;
        }
        int k = vecs[0].length;
        for (int c = 0; c < k; c++) {
            int best = 0;
            for (int i = 1; i < vecs.length; i++) {
                if (Math.abs(vecs[i][c]) > Math.abs(vecs[best][c]) + 1e-12) {
                    best = i;
                }
            }
            if (vecs[best][c] < 0) {
                for (double[] row : vecs) {
                    row[c] = -row[c];
                }
            }
        }
    }

    /** The columns with the given indices, in that order. */
    Eigen select(int[] cols) {
        double[] v = new double[cols.length];
        double[][] x = new double[vectors.length][cols.length];
        for (int c = 0; c < cols.length; c++) {
            v[c] = values[cols[c]];
            for (int i = 0; i < vectors.length; i++) {
                x[i][c] = vectors[i][cols[c]];
            }
        }
        return new Eigen(v, x);
    }

    @Override
    public String toString() {
        return "Eigen" + Arrays.toString(values);
    }
}
