package org.modelkit.translator.tanl.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** Beam search over any model's next-token log-probabilities. */
final class Search {
    private Search() {
    }

    private record Hyp(int[] tokens, double logp) {
    }

    /**
     * Beam search as Hugging Face's {@code generate(num_beams=k, length_penalty=λ, early_stopping=False)} does it: each
     * step scores the live beams' continuations, walks the best 2k in order (ties: lower beam, then lower token), files
     * a continuation that ends (the end token, among the best k) as finished with score logp / length^λ (length
     * counting the start token, not the end), keeps the first k others alive; it stops when k hypotheses are finished
     * and the best live beam's score cannot beat the worst of them, or at the target maximum, when the live beams are
     * filed too.
     *
     * @param beams         k, at least 2
     * @param lengthPenalty λ
     * @param maxT          the longest output
     * @param logProbs      the log-probabilities of the next token after each prefix (each starting with the start
     *                      token {@link TextTokenizer#PAD}), one row per prefix
     * @return the best finished hypothesis's ids, ending in the end token if it has one
     */
    static int[] beam(int beams, double lengthPenalty, int maxT, Function<int[][], float[][]> logProbs) {
        List<Hyp> live = new ArrayList<>(List.of(new Hyp(new int[0], 0)));
        List<double[]> finishedScores = new ArrayList<>();
        List<int[]> finished = new ArrayList<>();
        for (int t = 1; t <= maxT; t++) {
            int k = live.size();
            int[][] prefixes = new int[k][t];
            for (int i = 0; i < k; i++) {
                prefixes[i][0] = TextTokenizer.PAD;
                System.arraycopy(live.get(i).tokens(), 0, prefixes[i], 1, t - 1);
            }
            float[][] logp = logProbs.apply(prefixes);
            int v = logp[0].length;
            int want = Math.min(2 * beams, k * v);
            Integer[] order = new Integer[k * v];
            double[] score = new double[k * v];
            for (int i = 0; i < k; i++) {
                for (int w = 0; w < v; w++) {
                    score[i * v + w] = live.get(i).logp() + logp[i][w];
                    order[i * v + w] = i * v + w;
                }
            }
            Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a])); // stable: ties keep index order
            List<Hyp> next = new ArrayList<>();
            for (int r = 0; r < want && next.size() < beams; r++) {
                int c = order[r];
                int i = c / v;
                int w = c % v;
                int[] base = live.get(i).tokens();
                if (w == TextTokenizer.EOS) {
                    if (r < beams) {
                        int[] done = Arrays.copyOf(base, base.length + 1);
                        done[base.length] = w;
                        file(finished, finishedScores, done, score[c] / Math.pow(base.length + 1, lengthPenalty), beams);
                    }
                    continue;
                }
                int[] grown = Arrays.copyOf(base, base.length + 1);
                grown[base.length] = w;
                next.add(new Hyp(grown, score[c]));
            }
            live = next;
            if (finished.size() >= beams) {
                double best = live.isEmpty() ? Double.NEGATIVE_INFINITY : live.get(0).logp() / Math.pow(t + 1, lengthPenalty);
                if (worst(finishedScores) >= best) {
                    break;
                }
            }
            if (t == maxT) {
                for (Hyp h : live) {
                    file(finished, finishedScores, h.tokens(), h.logp() / Math.pow(h.tokens().length + 1, lengthPenalty),
                            beams);
                }
            }
        }
        int best = 0;
        for (int i = 1; i < finished.size(); i++) {
            if (finishedScores.get(i)[0] > finishedScores.get(best)[0]) {
                best = i;
            }
        }
        return finished.isEmpty() ? new int[0] : finished.get(best);
    }

    private static void file(List<int[]> finished, List<double[]> scores, int[] tokens, double score, int beams) {
        if (finished.size() < beams || score > worst(scores)) {
            finished.add(tokens);
            scores.add(new double[] {score});
            if (finished.size() > beams) {
                int w = 0;
                for (int i = 1; i < scores.size(); i++) {
                    if (scores.get(i)[0] < scores.get(w)[0]) {
                        w = i;
                    }
                }
                finished.remove(w);
                scores.remove(w);
            }
        }
    }

    private static double worst(List<double[]> scores) {
        double w = Double.POSITIVE_INFINITY;
        for (double[] s : scores) {
            w = Math.min(w, s[0]);
        }
        return w;
    }
}
