package org.modelkit.translator.tanl.format;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgrapht.Graph;
import org.jgrapht.alg.interfaces.MatchingAlgorithm;
import org.jgrapht.alg.matching.KuhnMunkresMinimalWeightBipartitePerfectMatching;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

/**
 * Coreference metrics over clusters of mentions: MUC (Vilain et al. 1995), B³ (Bagga and Baldwin 1998) and CEAFφ4
 * (Luo 2005, entity-based), with their counts summed over documents (micro averaging), as in the reference's
 * {@code coreference_metrics.py}. Mentions are compared by equality.
 */
public final class CorefMetrics {
    private CorefMetrics() {
    }

    /**
     * Precision and recall as sums of numerators and denominators.
     *
     * @param pNum precision's numerator
     * @param pDen its denominator
     * @param rNum recall's numerator
     * @param rDen its denominator
     */
    public record Score(double pNum, double pDen, double rNum, double rDen) {
        /** No documents. */
        public static final Score ZERO = new Score(0, 0, 0, 0);

        /** @param o another document's score @return the sums */
        public Score plus(Score o) {
            return new Score(pNum + o.pNum, pDen + o.pDen, rNum + o.rNum, rDen + o.rDen);
        }

        /** @return the precision, 0 when its numerator is */
        public double precision() {
            return pNum == 0 ? 0 : pNum / pDen;
        }

        /** @return the recall, 0 when its numerator is */
        public double recall() {
            return rNum == 0 ? 0 : rNum / rDen;
        }

        /** @return the harmonic mean of precision and recall, 0 when both are */
        public double f1() {
            double p = pDen == 0 ? 0 : pNum / pDen;
            double r = rDen == 0 ? 0 : rNum / rDen;
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }

    private static <T> Map<T, Integer> owner(List<List<T>> clusters) {
        Map<T, Integer> m = new HashMap<>();
        for (int i = 0; i < clusters.size(); i++) {
            for (T x : clusters.get(i)) {
                m.put(x, i);
            }
        }
        return m;
    }

    /** MUC's link count of clusters against a partition: Σ (|c| − partitions of c), unmatched mentions alone. */
    private static <T> double[] mucCount(List<List<T>> clusters, Map<T, Integer> other) {
        double tp = 0;
        double p = 0;
        for (List<T> c : clusters) {
            p += c.size() - 1;
            tp += c.size();
            Set<Integer> linked = new HashSet<>();
            for (T m : c) {
                Integer o = other.get(m);
                if (o == null) {
                    tp -= 1;
                } else {
                    linked.add(o);
                }
            }
            tp -= linked.size();
        }
        return new double[] {tp, p};
    }

    /**
     * @param gold      the gold clusters of one document
     * @param predicted the predicted clusters
     * @param <T>       the mention type
     * @return MUC's counts
     */
    public static <T> Score muc(List<List<T>> gold, List<List<T>> predicted) {
        double[] p = mucCount(predicted, owner(gold));
        double[] r = mucCount(gold, owner(predicted));
        return new Score(p[0], p[1], r[0], r[1]);
    }

    private static <T> double[] bCubedCount(List<List<T>> clusters, Map<T, Integer> other) {
        double num = 0;
        double den = 0;
        for (List<T> c : clusters) {
            Map<Integer, Integer> counts = new HashMap<>();
            for (T m : c) {
                Integer o = other.get(m);
                if (o != null) {
                    counts.merge(o, 1, Integer::sum);
                }
            }
            double correct = 0;
            for (int k : counts.values()) {
                correct += (double) k * k;
            }
            num += correct / c.size();
            den += c.size();
        }
        return new double[] {num, den};
    }

    /**
     * @param gold      the gold clusters of one document
     * @param predicted the predicted clusters
     * @param <T>       the mention type
     * @return B³'s counts
     */
    public static <T> Score bCubed(List<List<T>> gold, List<List<T>> predicted) {
        double[] p = bCubedCount(predicted, owner(gold));
        double[] r = bCubedCount(gold, owner(predicted));
        return new Score(p[0], p[1], r[0], r[1]);
    }

    /**
     * CEAFφ4: the one-to-one matching of predicted to gold clusters that maximises the summed similarity
     * φ4(K, R) = 2|K ∩ R| / (|K| + |R|) (found with JGraphT's Kuhn-Munkres on the padded cost 1 − φ4); precision
     * divides that sum by the predicted clusters, recall by the gold ones.
     *
     * @param gold      the gold clusters of one document
     * @param predicted the predicted clusters
     * @param <T>       the mention type
     * @return CEAFφ4's counts
     */
    public static <T> Score ceafE(List<List<T>> gold, List<List<T>> predicted) {
        int np = predicted.size();
        int ng = gold.size();
        double similarity = 0;
        if (np > 0 && ng > 0) {
            int n = Math.max(np, ng);
            Graph<Integer, DefaultWeightedEdge> g = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
            Set<Integer> left = new HashSet<>();
            Set<Integer> right = new HashSet<>();
            for (int i = 0; i < n; i++) {
                g.addVertex(i);
                left.add(i);
                g.addVertex(n + i);
                right.add(n + i);
            }
            double[][] phi = new double[n][n];
            for (int i = 0; i < np; i++) {
                Set<T> k = new HashSet<>(predicted.get(i));
                for (int j = 0; j < ng; j++) {
                    int common = 0;
                    for (T x : gold.get(j)) {
                        if (k.contains(x)) {
                            common++;
                        }
                    }
                    phi[i][j] = 2.0 * common / (k.size() + gold.get(j).size());
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    g.setEdgeWeight(g.addEdge(i, n + j), 1 - phi[i][j]);
                }
            }
            MatchingAlgorithm.Matching<Integer, DefaultWeightedEdge> m =
                    new KuhnMunkresMinimalWeightBipartitePerfectMatching<>(g, left, right).getMatching();
            for (DefaultWeightedEdge e : m.getEdges()) {
                int a = Math.min(g.getEdgeSource(e), g.getEdgeTarget(e));
                int b = Math.max(g.getEdgeSource(e), g.getEdgeTarget(e)) - n;
                similarity += phi[a][b];
            }
        }
        return new Score(similarity, np, similarity, ng);
    }

    /**
     * @param slotsGold      each turn's gold belief state
     * @param slotsPredicted each turn's predicted belief state
     * @param <T>            the slot type
     * @return the fraction of turns whose predicted state equals the gold one exactly
     */
    public static <T> double jointGoalAccuracy(List<Set<T>> slotsGold, List<Set<T>> slotsPredicted) {
        if (slotsGold.size() != slotsPredicted.size() || slotsGold.isEmpty()) {
            throw new IllegalArgumentException(slotsGold.size() + " gold and " + slotsPredicted.size()
                    + " predicted turns: need the same number, at least one");
        }
        int same = 0;
        for (int i = 0; i < slotsGold.size(); i++) {
            if (slotsGold.get(i).equals(slotsPredicted.get(i))) {
                same++;
            }
        }
        return (double) same / slotsGold.size();
    }
}
