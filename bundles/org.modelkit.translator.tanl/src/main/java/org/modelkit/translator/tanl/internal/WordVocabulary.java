package org.modelkit.translator.tanl.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.modelkit.translator.tanl.format.AugmentedLanguage;

/**
 * The word-level tokenizer of the toy and CoNLL04-like models: a word is an id, ids 0, 1 and 2 are padding (also the
 * decoder's start, as in T5), end and unknown; the others are the training texts' words, most frequent first (ties
 * alphabetical), so the same data always gives the same ids.
 */
final class WordVocabulary implements TextTokenizer {
    /** The vocabulary file in a model directory, one word per line in id order. */
    static final String FILE = "vocab.txt";
    static final List<String> SPECIALS = List.of("<pad>", "</s>", "<unk>");

    private final List<String> words;
    private final Map<String, Integer> ids = new HashMap<>();

    /**
     * @param words every token in id order, the three specials first
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
        for (String mark : List.of(AugmentedLanguage.BEGIN, AugmentedLanguage.END, AugmentedLanguage.SEPARATOR,
                AugmentedLanguage.RELATION_SEPARATOR)) {
            if (!ids.containsKey(mark)) {
                throw new IllegalArgumentException("the tokenizer does not round-trip '" + mark + "' (not in the vocabulary):"
                        + " the augmented language's marks [ ] | = must survive tokenizing and decoding");
            }
        }
    }

    /**
     * @param texts the training inputs and outputs, as words
     * @return their vocabulary (the marks of the augmented language always included)
     */
    static WordVocabulary build(Iterable<List<String>> texts) {
        Map<String, Integer> counts = new TreeMap<>();
        for (List<String> t : texts) {
            for (String w : t) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        for (String mark : List.of("[", "]", "|", "=")) {
            counts.putIfAbsent(mark, 0);
        }
        for (String s : SPECIALS) {
            counts.remove(s);
        }
        List<Map.Entry<String, Integer>> e = new ArrayList<>(counts.entrySet());
        e.sort(Collections.reverseOrder(Map.Entry.comparingByValue())); // stable: ties stay alphabetical
        List<String> words = new ArrayList<>(SPECIALS);
        for (Map.Entry<String, Integer> x : e) {
            words.add(x.getKey());
        }
        return new WordVocabulary(words);
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

    /** @return the space-separated words' ids, unknown ones {@link #UNK}, then {@link #EOS} */
    @Override
    public int[] encode(String text) {
        return encode(text.isBlank() ? List.of() : List.of(text.strip().split("\\s+")));
    }

    /** @return the words' ids, unknown ones {@link #UNK}, then {@link #EOS} */
    int[] encode(List<String> text) {
        int[] out = new int[text.size() + 1];
        for (int i = 0; i < text.size(); i++) {
            out[i] = ids.getOrDefault(text.get(i), UNK);
        }
        out[text.size()] = EOS;
        return out;
    }

    /** @return the words of ids up to the first end, specials skipped, joined by spaces */
    @Override
    public String decode(int[] tokenIds) {
        StringBuilder b = new StringBuilder();
        for (int id : tokenIds) {
            if (id == EOS) {
                break;
            }
            if (id < SPECIALS.size() || id >= words.size()) {
                continue;
            }
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(words.get(id));
        }
        return b.toString();
    }

    @Override
    public void save(java.nio.file.Path dir) throws java.io.IOException {
        org.modelkit.io.AtomicFiles.writeString(dir.resolve(FILE), String.join("\n", words) + "\n");
    }

    /**
     * @param file a vocabulary file
     * @return its vocabulary
     * @throws java.io.IOException if it cannot be read
     * @throws IllegalArgumentException naming the file and the problem
     */
    static WordVocabulary load(java.nio.file.Path file) throws java.io.IOException {
        List<String> lines = java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
        try {
            return new WordVocabulary(lines);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("vocabulary '" + file + "': " + e.getMessage(), e);
        }
    }

    /** @return whether every word is known */
    boolean covers(List<String> text) {
        for (String w : text) {
            if (!ids.containsKey(w)) {
                return false;
            }
        }
        return true;
    }
}
