package org.modelkit.translator.tanl.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.modelkit.io.AtomicFiles;
import org.modelkit.translator.tanl.format.AugmentedLanguage;

/**
 * The word-level tokenizer: a word is an id. Ids 0, 1 and 2 are padding (also the decoder's start, as in T5), end and
 * unknown; then {@value #PLACEHOLDERS} positional placeholders {@code <w0>}, {@code <w1>}, ...; then the training
 * texts' words seen at least a minimum number of times, most frequent first (ties alphabetical), so the same data
 * always gives the same ids.
 *
 * <p>A word outside the vocabulary is not lost: the k-th distinct unknown word of the source becomes placeholder k,
 * the target's copies of it become the same placeholder, and decoding puts the source's word back (Luong et al.
 * 2015's positional unknowns). TANL's output copies the input's words, so a model that learnt to copy placeholders
 * handles names it never saw; training with a minimum count turns the rare words of the training data into
 * placeholders, which is what teaches it.
 */
final class WordVocabulary implements TextTokenizer {
    /** The vocabulary file in a model directory, one word per line in id order. */
    static final String FILE = "vocab.txt";
    static final List<String> SPECIALS = List.of("<pad>", "</s>", "<unk>");
    /** Placeholders for a source's unknown words. */
    static final int PLACEHOLDERS = 32;

    private final List<String> words;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int placeholders;

    /**
     * @param words every token in id order: the three specials first, then the placeholders (if any)
     * @throws IllegalArgumentException if the specials are not first, a word repeats, or a mark of the augmented
     *                                  language ({@code [ ] | =}) is missing (the output could not be read back)
     */
    WordVocabulary(List<String> words) {
        if (words.size() < SPECIALS.size() || !words.subList(0, SPECIALS.size()).equals(SPECIALS)) {
            throw new IllegalArgumentException("a word vocabulary starts with " + SPECIALS);
        }
        this.words = List.copyOf(words);
        for (int i = 0; i < words.size(); i++) {
            if (ids.put(words.get(i), i) != null) {
                throw new IllegalArgumentException("word '" + words.get(i) + "' appears twice in the vocabulary");
            }
        }
        int p = 0;
        while (SPECIALS.size() + p < words.size() && words.get(SPECIALS.size() + p).equals(placeholder(p))) {
            p++;
        }
        this.placeholders = p;
        for (String mark : List.of(AugmentedLanguage.BEGIN, AugmentedLanguage.END, AugmentedLanguage.SEPARATOR,
                AugmentedLanguage.RELATION_SEPARATOR)) {
            if (!ids.containsKey(mark)) {
                throw new IllegalArgumentException("the tokenizer does not round-trip '" + mark + "' (not in the vocabulary):"
                        + " the augmented language's marks [ ] | = must survive tokenizing and decoding");
            }
        }
    }

    static String placeholder(int k) {
        return "<w" + k + ">";
    }

    /**
     * @param texts    the training inputs and outputs, as words
     * @param minCount words seen fewer times are left to the placeholders
     * @return their vocabulary (the marks of the augmented language always included)
     */
    static WordVocabulary build(Iterable<List<String>> texts, int minCount) {
        Map<String, Integer> counts = new TreeMap<>();
        for (List<String> t : texts) {
            for (String w : t) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        List<String> marks = List.of("[", "]", "|", "=");
        List<Map.Entry<String, Integer>> e = new ArrayList<>();
        for (Map.Entry<String, Integer> x : counts.entrySet()) {
            if ((x.getValue() >= minCount || marks.contains(x.getKey())) && !SPECIALS.contains(x.getKey())
                    && !x.getKey().matches("<w\\d+>")) {
                e.add(x);
            }
        }
        e.sort(Collections.reverseOrder(Map.Entry.comparingByValue())); // stable: ties stay alphabetical
        List<String> words = new ArrayList<>(SPECIALS);
        for (int k = 0; k < PLACEHOLDERS; k++) {
            words.add(placeholder(k));
        }
        for (String m : marks) {
            if (!counts.containsKey(m)) {
                words.add(m);
            }
        }
        for (Map.Entry<String, Integer> x : e) {
            words.add(x.getKey());
        }
        return new WordVocabulary(words);
    }

    /** @return {@link #build(Iterable, int)} keeping every word */
    static WordVocabulary build(Iterable<List<String>> texts) {
        return build(texts, 1);
    }

    @Override
    public String kind() {
        return "word";
    }

    @Override
    public int size() {
        return words.size();
    }

    List<String> words() {
        return words;
    }

    private static List<String> split(String text) {
        return text.isBlank() ? List.of() : List.of(text.strip().split("\\s+"));
    }

    /** @return the source's unknown words, each with its placeholder's id, in order of first appearance */
    private Map<String, Integer> unknowns(List<String> source) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String w : source) {
            if (!ids.containsKey(w) && !m.containsKey(w) && m.size() < placeholders) {
                m.put(w, SPECIALS.size() + m.size());
            }
        }
        return m;
    }

    /** @return the space-separated words' ids, unknown ones as placeholders (or {@link #UNK}), then {@link #EOS} */
    @Override
    public int[] encode(String text) {
        return encodeTarget(text, text);
    }

    @Override
    public int[] encodeTarget(String target, String source) {
        List<String> t = split(target);
        Map<String, Integer> unk = unknowns(split(source));
        int[] out = new int[t.size() + 1];
        for (int i = 0; i < t.size(); i++) {
            Integer id = ids.get(t.get(i));
            out[i] = id != null ? id : unk.getOrDefault(t.get(i), UNK);
        }
        out[t.size()] = EOS;
        return out;
    }

    /** @return the words of ids up to the first end, specials skipped, placeholders as themselves */
    @Override
    public String decode(int[] tokenIds) {
        return decode(tokenIds, "");
    }

    /** @return the words of ids up to the first end, specials skipped, placeholders replaced by the source's words */
    @Override
    public String decode(int[] tokenIds, String source) {
        List<String> back = new ArrayList<>(unknowns(split(source)).keySet());
        StringBuilder b = new StringBuilder();
        for (int id : tokenIds) {
            if (id == EOS) {
                break;
            }
            if (id < SPECIALS.size() || id >= words.size()) {
                continue;
            }
            int p = id - SPECIALS.size();
            String w = p < placeholders ? (p < back.size() ? back.get(p) : null) : words.get(id);
            if (w == null) {
                continue; // a placeholder the source does not fill
            }
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(w);
        }
        return b.toString();
    }

    @Override
    public void save(Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve(FILE), String.join("\n", words) + "\n");
    }

    /**
     * @param file a vocabulary file
     * @return its vocabulary
     * @throws IOException if it cannot be read (or is not UTF-8)
     * @throws IllegalArgumentException naming the file and the problem
     */
    static WordVocabulary load(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        try {
            return new WordVocabulary(lines);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("vocabulary '" + file + "': " + e.getMessage(), e);
        }
    }
}
