package org.modelkit.translator.tanl.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.modelkit.api.translate.Entity;
import org.modelkit.api.translate.Relation;
import org.modelkit.api.translate.Slot;
import org.modelkit.api.translate.StructuredOutput;
import org.modelkit.api.translate.Translation;
import org.modelkit.translator.tanl.format.AugmentedLanguage;
import org.modelkit.translator.tanl.format.Coreference;
import org.modelkit.translator.tanl.format.Decoded;
import org.modelkit.translator.tanl.format.DialogueState;
import org.modelkit.translator.tanl.format.Events;
import org.modelkit.translator.tanl.format.IntentSlots;
import org.modelkit.translator.tanl.format.JointEr;
import org.modelkit.translator.tanl.format.ParsedEntity;
import org.modelkit.translator.tanl.format.RelationClassification;
import org.modelkit.translator.tanl.format.Span;
import org.modelkit.translator.tanl.format.SpanRelation;
import org.modelkit.translator.tanl.format.Token;
import org.modelkit.translator.tanl.format.WordTokenizer;

/**
 * Reads a model's output for one input with the task's decoder and gives the result in the API's terms: entities with
 * character offsets into the input (their text that substring), relations by entity index, types by the data set's
 * names ("Peop", "Work_For") where the task's schema has them.
 */
final class Reading {
    private Reading() {
    }

    /**
     * An input split for a task: its words as the model sees them, and the sentence's own words (the input without
     * the marks some tasks put in it: SRL's bracketed predicate, the marked trigger of event arguments).
     *
     * @param input    the input text
     * @param all      every word of the input, with offsets
     * @param sentence the sentence's words, with their offsets in the input
     */
    record Input(String input, List<Token> all, List<Token> sentence) {
        List<String> words() {
            return WordTokenizer.words(sentence);
        }

        /** @return the model's input text: every word, joined by spaces */
        String text() {
            return String.join(" ", WordTokenizer.words(all));
        }
    }

    /** @return the input's words, and the sentence's once marks are taken out (for tasks whose input has them) */
    static Input split(TaskSpec task, String input) {
        List<Token> all = WordTokenizer.tokenize(input);
        List<Token> sentence = all;
        switch (task.kind()) {
            case SRL, EVENT_ARGUMENT, RELATION_CLASSIFICATION -> {
                List<String> plain = AugmentedLanguage.parse(List.of(), String.join(" ", WordTokenizer.words(all))).sentence();
                sentence = new ArrayList<>();
                int k = 0;
                for (Token t : all) {
                    if (k < plain.size() && t.text().equals(plain.get(k)) && !isMark(t.text())) {
                        sentence.add(t);
                        k++;
                    }
                }
            }
            default -> {
            }
        }
        return new Input(input, all, sentence);
    }

    private static boolean isMark(String w) {
        return w.equals(AugmentedLanguage.BEGIN) || w.equals(AugmentedLanguage.END) || w.equals(AugmentedLanguage.SEPARATOR)
                || w.equals(AugmentedLanguage.RELATION_SEPARATOR);
    }

    /** @return the spans the input marks with brackets, in its sentence's word positions */
    private static List<ParsedEntity> marked(Input in) {
        return AugmentedLanguage.parse(in.words(), in.text()).entities();
    }

    /**
     * @param task   the task
     * @param in     the split input
     * @param output the model's output
     * @return everything the task's decoder reads from it
     */
    static Translation read(TaskSpec task, Input in, String output) {
        List<String> words = in.words();
        Set<String> types = task.schema().entityNames();
        Set<String> relations = task.schema().relationNames();
        return switch (task.kind()) {
            case JOINT_ER, NER, SRL, EVENT_TRIGGER -> translation(task, in, output,
                    JointEr.decode(words, output, types, relations), List.of(), List.of());
            case INTENT_SLOTS -> translation(task, in, output, IntentSlots.decode(words, output, types), List.of(), List.of());
            case EVENT_ARGUMENT -> {
                List<ParsedEntity> m = marked(in);
                if (m.isEmpty()) {
                    throw new IllegalArgumentException("the input of task '" + task.name() + "' must mark its trigger as"
                            + " [ trigger | type ]");
                }
                ParsedEntity t = m.get(0);
                Span trigger = new Span(t.type() == null ? "trigger" : t.type(), t.start(), t.end());
                Decoded d = Events.decodeArguments(words, output, trigger, types, relations);
                List<Span> withTrigger = new ArrayList<>(d.entities());
                withTrigger.add(trigger); // the relations' tail, so they can point at it
                yield translation(task, in, output, new Decoded(withTrigger, d.relations(), null, d.wrongReconstruction(),
                        d.labelError(), d.entityError(), d.formatError()), List.of(), List.of());
            }
            case RELATION_CLASSIFICATION -> {
                List<ParsedEntity> m = marked(in);
                if (m.size() < 2) {
                    throw new IllegalArgumentException("the input of task '" + task.name() + "' must bracket its two"
                            + " entities as [ e1 ] ... [ e2 ]");
                }
                Span head = new Span("", m.get(0).start(), m.get(0).end());
                Span tail = new Span("", m.get(1).start(), m.get(1).end());
                yield translation(task, in, output, RelationClassification.decode(output, head, tail, relations), List.of(),
                        List.of());
            }
            case COREFERENCE -> coreference(in, output);
            case DIALOGUE_STATE -> {
                List<Slot> slots = new ArrayList<>(DialogueState.decode(output, DialogueState.MULTIWOZ));
                Set<Translation.Error> errors = output.contains(DialogueState.BELIEF) ? Set.of()
                        : Set.of(Translation.Error.FORMAT);
                yield new Translation(new StructuredOutput(output, List.of(), List.of()), slots, null, List.of(), errors);
            }
        };
    }

    private static Translation coreference(Input in, String output) {
        List<Coreference.Link> links = Coreference.decode(in.words(), output);
        Map<Coreference.Chunk, List<Coreference.Link>> one = new LinkedHashMap<>();
        one.put(new Coreference.Chunk(0, in.words()), links);
        return coreference(in, output, Coreference.merge(one), AugmentedLanguage.parse(in.words(), output)
                .wrongReconstruction());
    }

    /** @return chains of mentions as the API's clusters (entities of type "mention") */
    static Translation coreference(Input in, String output, List<List<Span>> chains, boolean wrong) {
        List<List<Entity>> clusters = new ArrayList<>();
        List<Entity> all = new ArrayList<>();
        for (List<Span> chain : chains) {
            List<Entity> c = new ArrayList<>();
            for (Span s : chain) {
                Entity e = entity(in, new Span("mention", s.start(), s.end()), null);
                c.add(e);
                all.add(e);
            }
            clusters.add(c);
        }
        return new Translation(new StructuredOutput(output, all, List.of()), List.of(), null, clusters,
                wrong ? Set.of(Translation.Error.WRONG_RECONSTRUCTION) : Set.of());
    }

    private static Entity entity(Input in, Span s, TaskSpec task) {
        List<Token> t = in.sentence();
        int start = t.get(s.start()).start();
        int end = t.get(s.end() - 1).end();
        String type = s.type();
        if (task != null && task.schema().entities().containsValue(type)) {
            type = task.schema().entityType(type);
        }
        return new Entity(start, end, type, in.input().substring(start, end));
    }

    private static Translation translation(TaskSpec task, Input in, String output, Decoded d, List<Slot> slots,
            List<List<Entity>> clusters) {
        List<Entity> entities = new ArrayList<>();
        Map<Span, Integer> index = new HashMap<>();
        for (Span s : d.entities()) {
            index.put(s, entities.size());
            entities.add(entity(in, s, task));
        }
        List<Relation> relations = new ArrayList<>();
        for (SpanRelation r : d.relations()) {
            Integer h = index.get(r.head());
            Integer t = index.get(r.tail());
            if (h == null || t == null) {
                continue; // relation classification and event arguments point at spans of the input, not entities
            }
            String type = task.schema().relations().containsValue(r.type()) ? task.schema().relationType(r.type()) : r.type();
            relations.add(new Relation(h, t, type));
        }
        Set<Translation.Error> errors = EnumSet.noneOf(Translation.Error.class);
        if (d.wrongReconstruction()) {
            errors.add(Translation.Error.WRONG_RECONSTRUCTION);
        }
        if (d.labelError()) {
            errors.add(Translation.Error.LABEL);
        }
        if (d.entityError()) {
            errors.add(Translation.Error.ENTITY);
        }
        if (d.formatError()) {
            errors.add(Translation.Error.FORMAT);
        }
        String label = d.label();
        if (label != null && task.schema().relations().containsValue(label)) {
            label = task.schema().relationType(label);
        }
        return new Translation(new StructuredOutput(output, entities, relations), slots, label, clusters, errors);
    }
}
