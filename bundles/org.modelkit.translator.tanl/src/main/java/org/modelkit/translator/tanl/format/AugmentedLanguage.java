package org.modelkit.translator.tanl.format;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * TANL's augmented natural language (Paolini et al., arXiv:2101.05779, §3): the sentence written again with
 * annotations inline, {@code [ span | type | relation = tail ]}, where {@code [ ] | =} are plain words.
 *
 * <p>{@link #augment} writes annotations into a sentence; {@link #parse} reads them back: it recovers the sentence's
 * own words and aligns them to the input's with a Levenshtein alignment, so an entity keeps its place even when the
 * model misspelt, dropped or added words.
 */
public final class AugmentedLanguage {
    /** Opens an annotated span. */
    public static final String BEGIN = "[";
    /** Closes it. */
    public static final String END = "]";
    /** Separates the span's words from its tags, and one tag from the next. */
    public static final String SEPARATOR = "|";
    /** Separates a relation's name from its tail. */
    public static final String RELATION_SEPARATOR = "=";

    private AugmentedLanguage() {
    }

    /**
     * The result of writing annotations into a sentence.
     *
     * @param text    the augmented sentence, words joined by single spaces
     * @param dropped annotations left out because they partly overlap an enclosing one (the output is a tree)
     */
    public record Augmented(String text, List<Augmentation> dropped) {
    }

    /**
     * Writes annotations into a sentence. They are sorted by start, longer first; each becomes a child of the nearest
     * enclosing one; one that partly overlaps an annotation on the current path of the tree is dropped. Each is
     * written as {@code [}, its words and children, then per tag {@code | tag[0]} (if non-empty) and {@code = x} for
     * each further element, then {@code ]}.
     *
     * @param tokens        the sentence's words
     * @param augmentations annotations of spans within the sentence
     * @return the augmented sentence and what was dropped
     * @throws IllegalArgumentException if a span reaches past the sentence
     */
    public static Augmented augment(List<String> tokens, List<Augmentation> augmentations) {
        for (Augmentation a : augmentations) {
            if (a.end() > tokens.size()) {
                throw new IllegalArgumentException("span [" + a.start() + ", " + a.end() + ") reaches past the sentence's "
                        + tokens.size() + " words");
            }
        }
        List<Augmentation> sorted = new ArrayList<>(augmentations);
        sorted.sort(Comparator.comparingInt(Augmentation::start).thenComparing(a -> -a.end())); // stable, as Python's
        int n = sorted.size();
        List<List<Integer>> children = new ArrayList<>(n + 1); // index n: the root
        for (int i = 0; i <= n; i++) {
            children.add(new ArrayList<>());
        }
        List<Integer> stack = new ArrayList<>();
        stack.add(n);
        List<Augmentation> dropped = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            Augmentation x = sorted.get(j);
            boolean partial = false;
            for (int k : stack) {
                if (k < n) {
                    Augmentation a = sorted.get(k);
                    if (a.start() < x.start() && x.start() < a.end() && a.end() < x.end()) {
                        partial = true;
                        break;
                    }
                }
            }
            if (partial) {
                dropped.add(x);
                continue;
            }
            while (stack.get(stack.size() - 1) < n) {
                Augmentation top = sorted.get(stack.get(stack.size() - 1));
                if (top.start() <= x.start() && x.end() <= top.end()) {
                    break;
                }
                stack.remove(stack.size() - 1);
            }
            children.get(stack.get(stack.size() - 1)).add(j);
            stack.add(j);
        }
        List<String> out = new ArrayList<>();
        expand(tokens, sorted, children, n, 0, tokens.size(), out);
        return new Augmented(String.join(" ", out), dropped);
    }

    private static void expand(List<String> tokens, List<Augmentation> a, List<List<Integer>> children, int node, int from,
            int to, List<String> out) {
        int i = from;
        for (int c : children.get(node)) {
            Augmentation x = a.get(c);
            out.addAll(tokens.subList(i, x.start()));
            out.add(BEGIN);
            expand(tokens, a, children, c, x.start(), x.end(), out);
            for (List<String> tag : x.tags()) {
                if (!tag.get(0).isEmpty()) {
                    out.add(SEPARATOR);
                    out.add(tag.get(0));
                }
                for (String more : tag.subList(1, tag.size())) {
                    out.add(RELATION_SEPARATOR);
                    out.add(more);
                }
            }
            out.add(END);
            i = x.end();
        }
        out.addAll(tokens.subList(i, to));
    }

    /**
     * An augmented sentence read back.
     *
     * @param entities            the bracketed spans, in the order they close, aligned to the input's words
     *                            (spans that aligned to no input word are left out)
     * @param sentence            the words of the sentence itself (what is neither a bracket nor a tag)
     * @param wrongReconstruction whether those words, joined without spaces, differ from the input's
     */
    public record Parse(List<ParsedEntity> entities, List<String> sentence, boolean wrongReconstruction) {
    }

    /** @return the output split into words, with {@code [ ] | =} always words of their own */
    static List<String> words(String output) {
        String padded = output;
        for (String s : new String[] {BEGIN, END, SEPARATOR, RELATION_SEPARATOR}) {
            padded = padded.replace(s, " " + s + " ");
        }
        List<String> out = new ArrayList<>();
        for (String w : padded.split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    private static final class Open {
        final int start;
        boolean name = true;
        final List<String> nameWords = new ArrayList<>();
        final List<String> other = new ArrayList<>();

        Open(int start) {
            this.start = start;
        }
    }

    /**
     * Reads an augmented sentence. A word inside brackets goes to the name of every open span still in its name part,
     * from the innermost out, up to the first span already in its tag part, which takes it as a tag word; it is a word
     * of the sentence only if no open span is in its tag part. {@code |} moves the innermost span from its name to its
     * tags (or, already there, separates two tags); {@code ]} with nothing open is an ordinary word.
     *
     * @param input  the input sentence's words
     * @param output the augmented sentence
     * @return the spans aligned to the input, the recovered sentence and whether it differs from the input
     */
    public static Parse parse(List<String> input, String output) {
        List<String> sentence = new ArrayList<>();
        List<Object[]> raw = new ArrayList<>(); // name, tags, start, end in sentence words
        Deque<Open> stack = new ArrayDeque<>();
        for (String w : words(output)) {
            if (w.equals(BEGIN)) {
                stack.push(new Open(sentence.size()));
            } else if (w.equals(END) && !stack.isEmpty()) {
                Open e = stack.pop();
                List<List<String>> tags = new ArrayList<>();
                if (!e.name) {
                    List<String> group = new ArrayList<>();
                    for (String t : e.other) {
                        if (t.equals(SEPARATOR)) {
                            addTag(tags, group);
                            group = new ArrayList<>();
                        } else {
                            group.add(t);
                        }
                    }
                    addTag(tags, group);
                }
                raw.add(new Object[] {String.join(" ", e.nameWords).strip(), tags, e.start, sentence.size()});
            } else if (!stack.isEmpty()) {
                if (w.equals(SEPARATOR)) {
                    Open top = stack.peek();
                    if (top.name) {
                        top.name = false;
                    } else {
                        top.other.add(w);
                    }
                } else {
                    boolean nameWord = true;
                    for (Open e : stack) { // innermost first
                        if (e.name) {
                            e.nameWords.add(w);
                        } else {
                            e.other.add(w);
                            nameWord = false;
                            break;
                        }
                    }
                    if (nameWord) {
                        sentence.add(w);
                    }
                }
            } else {
                sentence.add(w);
            }
        }
        boolean wrong = !String.join("", sentence).equals(String.join("", input));
        int[] matching = align(input, sentence);
        List<ParsedEntity> entities = new ArrayList<>();
        for (Object[] r : raw) {
            int start = (Integer) r[2];
            int end = (Integer) r[3];
            int first = -1;
            int last = -1;
            for (int j = start; j < end; j++) {
                if (matching[j] >= 0) {
                    if (first < 0) {
                        first = matching[j];
                    }
                    last = matching[j];
                }
            }
            if (first >= 0) {
                @SuppressWarnings("unchecked")
                List<List<String>> tags = (List<List<String>>) r[1];
                entities.add(new ParsedEntity((String) r[0], tags, first, last + 1));
            }
        }
        return new Parse(entities, sentence, wrong);
    }

    /** Adds a group of tag words, split at {@code " = "} as the reference splits the joined string; none if empty. */
    private static void addTag(List<List<String>> tags, List<String> group) {
        if (group.isEmpty()) {
            return;
        }
        String joined = String.join(" ", group);
        tags.add(List.of(joined.split(" " + java.util.regex.Pattern.quote(RELATION_SEPARATOR) + " ", -1)));
    }

    /**
     * Aligns two word sequences by the Levenshtein distance with unit costs. At each cell the options are tried in
     * the order match (a substitution counts as a match), skip an input word, skip an output word, and a tie goes to
     * the earliest; the path is traced back from the last words while both remain.
     *
     * @param input  the input words a
     * @param output the output words b
     * @return for each output word, the input word it is matched to, or -1
     */
    public static int[] align(List<String> input, List<String> output) {
        int n = input.size();
        int m = output.size();
        int[][] cost = new int[n + 1][m + 1];
        byte[][] best = new byte[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            for (int j = 0; j <= m; j++) {
                if (i == 0 && j == 0) {
                    continue;
                }
                int c = Integer.MAX_VALUE;
                byte o = 0;
                if (i > 0 && j > 0) {
                    c = (input.get(i - 1).equals(output.get(j - 1)) ? 0 : 1) + cost[i - 1][j - 1];
                    o = 1;
                }
                if (i > 0 && 1 + cost[i - 1][j] < c) {
                    c = 1 + cost[i - 1][j];
                    o = 2;
                }
                if (j > 0 && 1 + cost[i][j - 1] < c) {
                    c = 1 + cost[i][j - 1];
                    o = 3;
                }
                cost[i][j] = c;
                best[i][j] = o;
            }
        }
        int[] matching = new int[m];
        Arrays.fill(matching, -1);
        int i = n - 1;
        int j = m - 1;
        while (i >= 0 && j >= 0) {
            byte o = best[i + 1][j + 1];
            if (o == 1) {
                matching[j] = i;
                i--;
                j--;
            } else if (o == 2) {
                i--;
            } else {
                j--;
            }
        }
        return matching;
    }
}
