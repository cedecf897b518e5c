package org.modelkit.translator.tanl.format;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Micro precision, recall and F1 from counts: precision = correct / predicted, recall = correct / gold, and F1 their
 * harmonic mean, each 0 when there is nothing correct.
 *
 * @param correct   items both predicted and gold
 * @param predicted items predicted
 * @param gold      gold items
 */
public record Prf(long correct, long predicted, long gold) {
    /** @throws IllegalArgumentException unless 0 &lt;= correct &lt;= predicted and correct &lt;= gold */
    public Prf {
        if (correct < 0 || correct > predicted || correct > gold) {
            throw new IllegalArgumentException("counts correct " + correct + ", predicted " + predicted + ", gold " + gold
                    + " are inconsistent");
        }
    }

    /** The counts of nothing. */
    public static final Prf ZERO = new Prf(0, 0, 0);

    /**
     * @param predicted one example's predicted items (repeats count once)
     * @param gold      its gold items
     * @param <T>       the items' type, compared exactly
     * @return the counts
     */
    public static <T> Prf of(Collection<T> predicted, Collection<T> gold) {
        Set<T> p = new HashSet<>(predicted);
        Set<T> g = new HashSet<>(gold);
        long c = p.stream().filter(g::contains).count();
        return new Prf(c, p.size(), g.size());
    }

    /** @param o more counts @return the sums (micro averaging) */
    public Prf plus(Prf o) {
        return new Prf(correct + o.correct, predicted + o.predicted, gold + o.gold);
    }

    /** @return correct / predicted, 0 if nothing is correct */
    public double precision() {
        return correct == 0 ? 0 : (double) correct / predicted;
    }

    /** @return correct / gold, 0 if nothing is correct */
    public double recall() {
        return correct == 0 ? 0 : (double) correct / gold;
    }

    /** @return 2PR / (P + R), 0 if nothing is correct */
    public double f1() {
        double p = precision();
        double r = recall();
        return correct == 0 ? 0 : 2 * p * r / (p + r);
    }
}
