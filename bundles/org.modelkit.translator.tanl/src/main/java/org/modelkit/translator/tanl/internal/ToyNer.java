package org.modelkit.translator.tanl.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.modelkit.translator.tanl.format.Span;

/**
 * The notes' toy NER data: sentences of 3 to 9 filler words (20 of them) with one to three entities inserted, each a
 * person (10 names) or a location (10 cities). The model must learn to copy the sentence and bracket and type the
 * entities; nothing about the format is given to it.
 */
final class ToyNer {
    static final List<String> NAMES = List.of("Alice", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiro",
            "Ines", "Jonas");
    static final List<String> CITIES = List.of("Paris", "Lima", "Oslo", "Cairo", "Quito", "Hanoi", "Dublin", "Perth",
            "Tunis", "Zagreb");
    static final List<String> FILLER = List.of("the", "a", "visited", "met", "near", "quietly", "yesterday", "and",
            "with", "from", "saw", "left", "old", "friend", "market", "train", "later", "then", "home", "again");
    static final List<String> TYPES = List.of("person", "location");

    private ToyNer() {
    }

    /**
     * @param n    sentences
     * @param seed the generator's seed
     * @return n sentences with their entities
     */
    static List<Example> generate(int n, long seed) {
        Random r = new Random(seed);
        List<Example> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            List<String> words = new ArrayList<>();
            int fill = 3 + r.nextInt(7);
            for (int i = 0; i < fill; i++) {
                words.add(FILLER.get(r.nextInt(FILLER.size())));
            }
            int entities = 1 + r.nextInt(3);
            List<int[]> inserted = new ArrayList<>(); // position, type
            for (int e = 0; e < entities; e++) {
                int at = r.nextInt(words.size() + 1);
                boolean person = r.nextBoolean();
                words.add(at, person ? NAMES.get(r.nextInt(NAMES.size())) : CITIES.get(r.nextInt(CITIES.size())));
                for (int[] x : inserted) {
                    if (x[0] >= at) {
                        x[0]++;
                    }
                }
                inserted.add(new int[] {at, person ? 0 : 1});
            }
            List<Span> spans = new ArrayList<>();
            inserted.sort((a, b) -> Integer.compare(a[0], b[0]));
            for (int[] x : inserted) {
                spans.add(new Span(TYPES.get(x[1]), x[0], x[0] + 1));
            }
            out.add(new Example(words, spans, List.of()));
        }
        return out;
    }
}
