package org.modelkit.embedder.betweenness.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.modelkit.api.data.Graph;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.progress.Progress;
import org.modelkit.io.GraphTool;

/**
 * What the embeddings are for, measured on the labelled graphs of graph-tool's collection that
 * testdata/ ships (karate: 2 factions, football: 12 conferences, polbooks: 3 leanings): leave-one-out
 * 1-NN accuracy and k-means NMI (k = number of labels, k-means++ with 10 restarts, fixed seed), beside
 * a label-shuffle chance level (mean of 20 shuffles). The table is printed and copied into the
 * README; the assertions are only the robust facts (deterministic, with margins).
 */
class EmbeddingQualityTest {
    private static final Pipelines.Settings S = Pipelines.Settings.defaults();
    private static final int D = 16;

    record Scores(double oneNn, double nmi, double chanceNn, double chanceNmi) {
    }

    static Graph load(String name) throws IOException {
        return name.equals("karate") ? Graphs.karate()
                : GraphTool.read(Graphs.testdata("graphs/" + name + ".gt.gz"), "value", null).graph();
    }

    /** The d eigenvectors of the symmetrised Stein solution with the largest eigenvalues, as coordinates. */
    static Tensor steinEigenvectors(Graph graph, int d) {
        SimpleGraph g = SimpleGraph.of(graph);
        SparseSym w = Pipelines.betweennessGraph(g, EdgeBetweenness.exact(g, false, 2, Progress.NONE).values(),
                S.scale());
        Stein.Spectrum x = Stein.dense(w, w.normalizedLaplacian(), new HashMap<>());
        int n = g.n;
        float[] out = new float[n * d];
        for (int v = 0; v < n; v++) {
            for (int j = 0; j < d; j++) {
                out[v * d + j] = (float) x.vectors[v][n - 1 - j]; // ascending eigenvalues: take from the top
            }
        }
        return Tensor.of(out, n, d);
    }

    static Map<String, Tensor> embeddings(Graph g) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("betweenness-spectral (WKS)", Pipelines.betweennessSpectral(g, D, S, Progress.NONE).nodes());
        m.put("Stein eigenvectors", steinEigenvectors(g, D));
        m.put("wks", Pipelines.waveKernel(g, D, S, Progress.NONE).nodes());
        m.put("laplacian-eigenmaps", Pipelines.laplacianEigenmaps(g, D, S, Progress.NONE).nodes());
        return m;
    }

    static double[][] rows(Tensor t) {
        double[][] x = new double[t.dim(0)][t.dim(1)];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) {
                x[i][j] = t.get(i, j);
            }
        }
        return x;
    }

    static double dist2(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double d = a[j] - b[j];
            s += d * d;
        }
        return s;
    }

    static double oneNn(double[][] x, int[] y) {
        int ok = 0;
        for (int a = 0; a < x.length; a++) {
            int best = -1;
            double bd = Double.POSITIVE_INFINITY;
            for (int b = 0; b < x.length; b++) {
                double d = b == a ? Double.POSITIVE_INFINITY : dist2(x[a], x[b]);
                if (d < bd) {
                    bd = d;
                    best = b;
                }
            }
            ok += y[best] == y[a] ? 1 : 0;
        }
        return (double) ok / x.length;
    }

    /** k-means++ (Lloyd iterations to convergence), best of {@code restarts} by inertia. */
    static int[] kmeans(double[][] x, int k, int restarts, long seed) {
        Random rnd = new Random(seed);
        int n = x.length;
        int[] best = null;
        double bestInertia = Double.POSITIVE_INFINITY;
        for (int r = 0; r < restarts; r++) {
            double[][] c = new double[k][];
            c[0] = x[rnd.nextInt(n)].clone();
            double[] d2 = new double[n];
            for (int j = 1; j < k; j++) {
                double total = 0;
                for (int i = 0; i < n; i++) {
                    d2[i] = Double.POSITIVE_INFINITY;
                    for (int q = 0; q < j; q++) {
                        d2[i] = Math.min(d2[i], dist2(x[i], c[q]));
                    }
                    total += d2[i];
                }
                double u = rnd.nextDouble() * total;
                int pick = n - 1;
                for (int i = 0; i < n; i++) {
                    u -= d2[i];
                    if (u <= 0) {
                        pick = i;
                        break;
                    }
                }
                c[j] = x[pick].clone();
            }
            int[] a = new int[n];
            Arrays.fill(a, -1);
            double inertia = 0;
            for (int it = 0; it < 300; it++) {
                boolean changed = false;
                inertia = 0;
                for (int i = 0; i < n; i++) {
                    int arg = 0;
                    double bd = Double.POSITIVE_INFINITY;
                    for (int q = 0; q < k; q++) {
                        double d = dist2(x[i], c[q]);
                        if (d < bd) {
                            bd = d;
                            arg = q;
                        }
                    }
                    inertia += bd;
                    if (a[i] != arg) {
                        a[i] = arg;
                        changed = true;
                    }
                }
                if (!changed) {
                    break;
                }
                for (int q = 0; q < k; q++) {
                    double[] mean = new double[x[0].length];
                    int cnt = 0;
                    for (int i = 0; i < n; i++) {
                        if (a[i] == q) {
                            cnt++;
                            for (int j = 0; j < mean.length; j++) {
                                mean[j] += x[i][j];
                            }
                        }
                    }
                    if (cnt > 0) {
                        for (int j = 0; j < mean.length; j++) {
                            mean[j] /= cnt;
                        }
                        c[q] = mean;
                    }
                }
            }
            if (inertia < bestInertia) {
                bestInertia = inertia;
                best = a.clone();
            }
        }
        return best;
    }

    /** Normalised mutual information, arithmetic-mean normalisation (scikit-learn's default). */
    static double nmi(int[] a, int[] b) {
        int n = a.length;
        Map<Long, Integer> joint = new HashMap<>();
        Map<Integer, Integer> ca = new HashMap<>();
        Map<Integer, Integer> cb = new HashMap<>();
        for (int i = 0; i < n; i++) {
            joint.merge(((long) a[i] << 32) | (b[i] & 0xffffffffL), 1, Integer::sum);
            ca.merge(a[i], 1, Integer::sum);
            cb.merge(b[i], 1, Integer::sum);
        }
        double mi = 0;
        for (var e : joint.entrySet()) {
            int x = (int) (e.getKey() >> 32);
            int y = (int) (long) e.getKey();
            double p = (double) e.getValue() / n;
            mi += p * Math.log(p / ((double) ca.get(x) / n * cb.get(y) / n));
        }
        double ha = entropy(ca, n);
        double hb = entropy(cb, n);
        return ha + hb == 0 ? 1 : mi / ((ha + hb) / 2);
    }

    private static double entropy(Map<Integer, Integer> counts, int n) {
        double h = 0;
        for (int c : counts.values()) {
            double p = (double) c / n;
            h -= p * Math.log(p);
        }
        return h;
    }

    static Scores score(Tensor t, int[] labels) {
        double[][] x = rows(t);
        int k = (int) Arrays.stream(labels).distinct().count();
        int[] clusters = kmeans(x, k, 10, 7);
        double nn = oneNn(x, labels);
        double nm = nmi(clusters, labels);
        Random r = new Random(3);
        double cNn = 0;
        double cNmi = 0;
        int shuffles = 20;
        for (int s = 0; s < shuffles; s++) {
            int[] y = labels.clone();
            for (int i = y.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int tmp = y[i];
                y[i] = y[j];
                y[j] = tmp;
            }
            cNn += oneNn(x, y);
            cNmi += nmi(clusters, y);
        }
        return new Scores(nn, nm, cNn / shuffles, cNmi / shuffles);
    }

    static Map<String, Map<String, Scores>> table() throws IOException {
        Map<String, Map<String, Scores>> t = new LinkedHashMap<>();
        for (String name : new String[] {"karate", "football", "polbooks"}) {
            Graph g = load(name);
            Map<String, Scores> row = new LinkedHashMap<>();
            embeddings(g).forEach((method, x) -> row.put(method, score(x, g.labels())));
            t.put(name, row);
        }
        return t;
    }

    @Test
    void embeddingsAgainstLabelsOfTheGraphToolCollection() throws IOException {
        Map<String, Map<String, Scores>> t = table();
        System.out.println("| graph | embedding (d = " + D + ") | 1-NN accuracy | chance | k-means NMI | chance |");
        System.out.println("|---|---|---|---|---|---|");
        t.forEach((g, row) -> row.forEach((m, s) -> System.out.printf(java.util.Locale.ROOT,
                "| %s | %s | %.3f | %.3f | %.3f | %.3f |%n", g, m, s.oneNn(), s.chanceNn(), s.nmi(), s.chanceNmi())));
        // communities: Laplacian eigenmaps find football's conferences, far above chance
        Scores leFootball = t.get("football").get("laplacian-eigenmaps");
        assertTrue(leFootball.oneNn() >= leFootball.chanceNn() + 0.5, "football, eigenmaps: " + leFootball);
        assertTrue(leFootball.nmi() >= 0.7, "football, eigenmaps: " + leFootball);
    }
}
