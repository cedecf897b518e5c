package org.modelkit.translator.tanl.format;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Joint entity and relation extraction, and the tasks written the same way (NER, nested NER, SRL's arguments, the
 * trigger stage of events): {@code [ span | type | relation = tail text ]}, relations written on their head with
 * the tail's words.
 */
public final class JointEr {
    private JointEr() {
    }

    /**
     * @param tokens    the sentence's words
     * @param entities  typed spans (types by their natural names)
     * @param relations relations between them
     * @return the augmented sentence (spans that partly overlap an enclosing one are dropped)
     * @throws IllegalArgumentException if a relation's head or tail is not one of the entities
     */
    public static String encode(List<String> tokens, List<Span> entities, List<SpanRelation> relations) {
        Map<Span, List<List<String>>> tags = new LinkedHashMap<>();
        for (Span e : entities) {
            tags.computeIfAbsent(e, k -> new ArrayList<>(List.of(List.of(e.type()))));
        }
        for (SpanRelation r : relations) {
            if (!tags.containsKey(r.head()) || !tags.containsKey(r.tail())) {
                throw new IllegalArgumentException("relation " + r + " joins spans that are not among the entities");
            }
            tags.get(r.head()).add(List.of(r.type(), String.join(" ", tokens.subList(r.tail().start(), r.tail().end()))));
        }
        List<Augmentation> a = new ArrayList<>();
        for (Map.Entry<Span, List<List<String>>> e : tags.entrySet()) {
            a.add(new Augmentation(e.getValue(), e.getKey().start(), e.getKey().end()));
        }
        return AugmentedLanguage.augment(tokens, a).text();
    }

    /**
     * Reads entities and relations. A span is kept when its first tag is a single known type; each further tag of
     * two elements is a relation whose tail is resolved by exact name to the predicted entity closest to the head
     * (by {@code min(|tail.start − head.end|, |head.start − tail.end|)}, ties to the earlier-closed), the first not
     * already used for that relation and head.
     *
     * @param input         the input sentence's words
     * @param output        the augmented sentence
     * @param entityTypes   the known types' natural names
     * @param relationTypes the known relations' natural names (empty for NER)
     * @return the entities, relations and error flags
     */
    public static Decoded decode(List<String> input, String output, Set<String> entityTypes, Set<String> relationTypes) {
        boolean format = count(output, AugmentedLanguage.BEGIN) != count(output, AugmentedLanguage.END);
        boolean label = false;
        boolean entityError = false;
        AugmentedLanguage.Parse p = AugmentedLanguage.parse(input, output);
        Map<String, List<Span>> byName = new LinkedHashMap<>();
        Set<Span> entities = new LinkedHashSet<>();
        List<Object[]> raw = new ArrayList<>(); // relation, head, tail name
        for (ParsedEntity e : p.entities()) {
            if (e.tags().isEmpty() || e.tags().get(0).size() > 1) {
                format = true;
                continue;
            }
            String type = e.tags().get(0).get(0);
            if (!entityTypes.contains(type)) {
                label = true;
                continue;
            }
            Span s = new Span(type, e.start(), e.end());
            entities.add(s);
            byName.computeIfAbsent(e.name(), k -> new ArrayList<>()).add(s);
            for (List<String> tag : e.tags().subList(1, e.tags().size())) {
                if (tag.size() == 2) {
                    if (relationTypes.contains(tag.get(0))) {
                        raw.add(new Object[] {tag.get(0), s, tag.get(1)});
                    } else {
                        label = true;
                    }
                } else {
                    format = true;
                }
            }
        }
        Set<SpanRelation> relations = new LinkedHashSet<>();
        for (Object[] r : raw) {
            Span head = (Span) r[1];
            List<Span> named = byName.get((String) r[2]);
            if (named == null) {
                entityError = true;
                continue;
            }
            List<Span> candidates = new ArrayList<>(named);
            candidates.sort(Comparator.comparingInt(x -> Math.min(Math.abs(x.start() - head.end()),
                    Math.abs(head.start() - x.end())))); // stable, as Python's sorted
            for (Span c : candidates) {
                if (relations.add(new SpanRelation((String) r[0], head, c))) {
                    break;
                }
            }
        }
        return new Decoded(new ArrayList<>(entities), new ArrayList<>(relations), null, p.wrongReconstruction(), label,
                entityError, format);
    }

    static int count(String s, String token) {
        int n = 0;
        for (int i = s.indexOf(token); i >= 0; i = s.indexOf(token, i + token.length())) {
            n++;
        }
        return n;
    }
}
