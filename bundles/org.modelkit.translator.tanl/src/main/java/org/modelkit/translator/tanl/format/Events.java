package org.modelkit.translator.tanl.format;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Event extraction in two stages. The trigger stage is NER over trigger types
 * ({@code Two soldiers were [ attacked | attack ] and injured}); the argument stage takes one trigger marked in the
 * input ({@code [ attacked | attack ]}) and writes the entities that have a role in it,
 * {@code [ Two soldiers | person | target = attacked ]}.
 */
public final class Events {
    private Events() {
    }

    /**
     * @param tokens   the sentence's words
     * @param triggers the triggers, typed by event type
     * @return the trigger stage's output
     */
    public static String triggerOutput(List<String> tokens, List<Span> triggers) {
        return JointEr.encode(tokens, triggers, List.of());
    }

    /**
     * @param tokens  the sentence's words
     * @param trigger one trigger
     * @return the argument stage's input: the sentence with that trigger marked with its type
     */
    public static String argumentInput(List<String> tokens, Span trigger) {
        return AugmentedLanguage.augment(tokens, List.of(Augmentation.typed(trigger.type(), trigger.start(), trigger.end())))
                .text();
    }

    /**
     * @param tokens    the sentence's words
     * @param trigger   the trigger of this query
     * @param arguments each argument's entity and role ({@link SpanRelation} with the trigger as tail)
     * @return the argument stage's output: only entities with a role, each role written {@code = trigger text}
     */
    public static String argumentOutput(List<String> tokens, Span trigger, List<SpanRelation> arguments) {
        Map<Span, List<List<String>>> tags = new LinkedHashMap<>();
        for (SpanRelation r : arguments) {
            tags.computeIfAbsent(r.head(), k -> new ArrayList<>(List.of(List.of(k.type()))))
                    .add(List.of(r.type(), RelationClassification.words(tokens, trigger)));
        }
        List<Augmentation> a = new ArrayList<>();
        tags.forEach((s, t) -> a.add(new Augmentation(t, s.start(), s.end())));
        return AugmentedLanguage.augment(tokens, a).text();
    }

    /**
     * @param tokens      the sentence's words (without the trigger's marks)
     * @param output      the argument stage's output
     * @param trigger     the trigger queried
     * @param entityTypes the known entity types
     * @param roles       the known roles
     * @return the arguments as entities and as relations (role, argument, trigger); an unknown type or role is left
     *         out and flagged
     */
    public static Decoded decodeArguments(List<String> tokens, String output, Span trigger, Set<String> entityTypes,
            Set<String> roles) {
        AugmentedLanguage.Parse p = AugmentedLanguage.parse(tokens, output);
        Set<Span> entities = new LinkedHashSet<>();
        Set<SpanRelation> relations = new LinkedHashSet<>();
        boolean label = false;
        boolean format = false;
        for (ParsedEntity e : p.entities()) {
            if (e.tags().isEmpty() || e.tags().get(0).size() > 1) {
                format = true;
                continue;
            }
            if (!entityTypes.contains(e.type())) {
                label = true;
                continue;
            }
            Span s = new Span(e.type(), e.start(), e.end());
            entities.add(s);
            for (List<String> tag : e.tags().subList(1, e.tags().size())) {
                if (tag.size() == 2 && roles.contains(tag.get(0))) {
                    relations.add(new SpanRelation(tag.get(0), s, trigger));
                } else if (tag.size() == 2) {
                    label = true;
                } else {
                    format = true;
                }
            }
        }
        return new Decoded(new ArrayList<>(entities), new ArrayList<>(relations), null, p.wrongReconstruction(), label,
                false, format);
    }
}
