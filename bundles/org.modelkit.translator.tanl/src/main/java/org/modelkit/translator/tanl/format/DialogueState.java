package org.modelkit.translator.tanl.format;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.modelkit.api.translate.Slot;

/**
 * Dialogue state tracking (MultiWOZ 2.1): the output is the belief state,
 * {@code [belief] domain slot value , … [belief]}, domains and slots sorted, and every slot of an active domain
 * that has no value written {@code not given}.
 */
public final class DialogueState {
    /** The value of a slot that is not set. */
    public static final String NOT_GIVEN = "not given";
    /** Opens and closes the belief state. */
    public static final String BELIEF = "[belief]";

    /** MultiWOZ 2.1's domains and their slots, in natural words. */
    public static final Map<String, List<String>> MULTIWOZ = Map.of(
            "hotel", List.of("price range", "type", "parking", "book stay", "book day", "book people", "area", "stars",
                    "internet", "name"),
            "train", List.of("destination", "day", "departure", "arrive by", "book people", "leave at"),
            "attraction", List.of("type", "area", "name"),
            "restaurant", List.of("book people", "book day", "book time", "food", "price range", "name", "area"),
            "taxi", List.of("leave at", "destination", "departure", "arrive by"),
            "bus", List.of("people", "leave at", "destination", "day", "arrive by", "departure"),
            "hospital", List.of("department"));

    private DialogueState() {
    }

    /**
     * @param slots    the set slots
     * @param ontology each domain's slots
     * @return the belief state as an output sentence
     * @throws IllegalArgumentException if a slot's domain or name is not in the ontology
     */
    public static String encode(Set<Slot> slots, Map<String, List<String>> ontology) {
        Map<String, Map<String, String>> byDomain = new TreeMap<>();
        for (Slot s : slots) {
            List<String> known = ontology.get(s.domain());
            if (known == null || !known.contains(s.slot())) {
                throw new IllegalArgumentException("slot '" + s.domain() + " " + s.slot() + "' is not in the ontology");
            }
            byDomain.computeIfAbsent(s.domain(), k -> new TreeMap<>()).put(s.slot(), s.value());
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> d : byDomain.entrySet()) {
            for (String slot : ontology.get(d.getKey())) {
                d.getValue().putIfAbsent(slot, NOT_GIVEN);
            }
            d.getValue().forEach((slot, value) -> parts.add(d.getKey() + " " + slot + " " + value));
        }
        return BELIEF + " " + String.join(" , ", parts) + " " + BELIEF;
    }

    /**
     * Reads the belief state between the first and the last {@code [belief]}: each comma-separated item that is not
     * {@code not given}, split into domain (first word), slot (the longest of the domain's slots that follows) and
     * value (the rest).
     *
     * @param output   an output sentence
     * @param ontology each domain's slots
     * @return the slots set; an item whose domain or slot is unknown is left out
     */
    public static Set<Slot> decode(String output, Map<String, List<String>> ontology) {
        int start = output.indexOf(BELIEF);
        int end = output.lastIndexOf(BELIEF);
        Set<Slot> out = new LinkedHashSet<>();
        if (start < 0 || end <= start) {
            return out;
        }
        for (String item : output.substring(start + BELIEF.length(), end).split(",")) {
            String s = item.strip();
            if (s.isEmpty() || s.contains(NOT_GIVEN)) {
                continue;
            }
            int sp = s.indexOf(' ');
            if (sp < 0) {
                continue;
            }
            String domain = s.substring(0, sp);
            String rest = s.substring(sp + 1);
            String best = null;
            for (String slot : ontology.getOrDefault(domain, List.of())) {
                if (rest.startsWith(slot + " ") && (best == null || slot.length() > best.length())) {
                    best = slot;
                }
            }
            if (best != null && !rest.substring(best.length() + 1).isBlank()) {
                out.add(new Slot(domain, best, rest.substring(best.length() + 1).strip()));
            }
        }
        return out;
    }
}
