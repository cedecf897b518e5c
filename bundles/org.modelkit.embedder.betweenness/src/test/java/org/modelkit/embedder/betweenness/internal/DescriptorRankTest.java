package org.modelkit.embedder.betweenness.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.modelkit.api.data.Graph;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.progress.Progress;
import org.modelkit.io.GraphTool;

/**
 * A descriptor's dimension must mean what it says: an n x d matrix of node (or edge) descriptors
 * whose columns are all one number, or copies of each other, is a one-dimensional embedding written
 * d times. The bound is the issue's: numerical rank at least min(d, n - 1, distinct non-zero
 * eigenvalues of the spectrum the signature is built from) / 2, and no two columns equal to 1e-9.
 * The numerical rank is taken as numpy's matrix_rank does, but with float32's epsilon, since the
 * embedding is stored in floats.
 */
class DescriptorRankTest {
    private static final Pipelines.Settings S = Pipelines.Settings.defaults();

    static int numericalRank(Tensor t) {
        int rows = t.dim(0);
        int cols = t.dim(1);
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m.set(i, j, t.get(i, j));
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, cols, false, false, true);
        assertTrue(svd.decompose(m), "SVD failed");
        double[] s = svd.getSingularValues();
        double max = Arrays.stream(s).max().orElse(0);
        double tol = max * Math.max(rows, cols) * Math.ulp(1.0f);
        return (int) Arrays.stream(s).filter(v -> v > tol).count();
    }

    /** The largest |column a - column b| over the closest pair of columns. */
    static double closestColumns(Tensor t) {
        double best = Double.POSITIVE_INFINITY;
        for (int a = 0; a < t.dim(1); a++) {
            for (int b = a + 1; b < t.dim(1); b++) {
                double worst = 0;
                for (int i = 0; i < t.dim(0); i++) {
                    worst = Math.max(worst, Math.abs(t.get(i, a) - t.get(i, b)));
                }
                best = Math.min(best, worst);
            }
        }
        return best;
    }

    static int distinctNonZero(double[] values) {
        double[] v = Arrays.stream(values).filter(x -> Math.abs(x) > 1e-10).sorted().toArray();
        int count = v.length == 0 ? 0 : 1;
        for (int i = 1; i < v.length; i++) {
            if (v[i] - v[i - 1] > 1e-8 * Math.max(1, Math.abs(v[i]))) {
                count++;
            }
        }
        return count;
    }

    private static void check(String what, Embedding e, double[] spectrum, int d) {
        int n = e.nodes().dim(0);
        int bound = Math.min(d, Math.min(n - 1, distinctNonZero(spectrum))) / 2;
        int rank = numericalRank(e.nodes());
        assertTrue(rank >= bound, what + ": node descriptors have numerical rank " + rank + " < " + bound);
        double close = closestColumns(e.nodes());
        assertTrue(close > 1e-9, what + ": two node descriptor columns are equal to " + close);
        int edgeRank = numericalRank(e.edges());
        assertTrue(edgeRank >= bound, what + ": edge descriptors have numerical rank " + edgeRank + " < " + bound);
        double closeEdges = closestColumns(e.edges());
        assertTrue(closeEdges > 1e-9, what + ": two edge descriptor columns are equal to " + closeEdges);
    }

    /** d up to half the node count: beyond it a descriptor has more energies than the graph has room for. */
    private static void checkBoth(String name, Graph g) {
        SimpleGraph sg = SimpleGraph.of(g);
        double[] lap = Eigen.dense(SparseSym.adjacency(sg, sg.weight).normalizedLaplacian().dense()).values();
        SparseSym w = Pipelines.betweennessGraph(sg, EdgeBetweenness.exact(sg, false, 2, Progress.NONE).values(),
                S.scale());
        double[] x = Stein.dense(w, w.normalizedLaplacian(), new HashMap<>()).values;
        for (int d : new int[] {2, 8, 16, 32}) {
            if (d > g.nodeCount() / 2) {
                continue;
            }
            check(name + " betweenness-spectral d=" + d, Pipelines.betweennessSpectral(g, d, S, Progress.NONE), x, d);
            check(name + " wks d=" + d, Pipelines.waveKernel(g, d, S, Progress.NONE), lap, d);
        }
    }

    @Test
    void karateDescriptorsHaveFullDimension() throws IOException {
        checkBoth("karate", Graphs.karate());
    }

    @Test
    void footballDescriptorsHaveFullDimension() throws IOException {
        checkBoth("football", GraphTool.read(Graphs.testdata("graphs/football.gt.gz"), "value", null).graph());
    }

    @Test
    void randomGraphDescriptorsHaveFullDimension() {
        checkBoth("G(60, 0.08)", Graphs.random(60, 0.08, 0, 11));
    }

    @Test
    void theEnergySamplesAreDistinctAndSpanTheSpectrum() {
        for (int n : new int[] {2, 3, 16, 50, 4096}) {
            double[] es = WaveKernel.energies(-3, 0.7, n);
            assertTrue(es[0] == -3 && Math.abs(es[n - 1] - 0.7) < 1e-12, Arrays.toString(Arrays.copyOf(es, 3)));
            for (int j = 1; j < n; j++) {
                assertTrue(es[j] > es[j - 1], "energy " + j + " repeats the one before it");
            }
        }
    }
}
