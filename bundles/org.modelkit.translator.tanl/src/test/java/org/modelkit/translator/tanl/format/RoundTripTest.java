package org.modelkit.translator.tanl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.modelkit.api.translate.Slot;

/** Encoding then decoding returns the annotations, for 1,000 random examples per task. */
class RoundTripTest {
    private static final int N = 1000;
    private static final List<String> TYPES = List.of("person", "location", "organization", "other");
    private static final List<String> RELATIONS = List.of("works for", "lives in", "kills");

    /** @return a sentence of distinct words (so every span's text is unique) and punctuation-free */
    private static List<String> sentence(Random r) {
        List<String> vocab = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            vocab.add("w" + i);
        }
        Collections.shuffle(vocab, r);
        return vocab.subList(0, 3 + r.nextInt(25));
    }

    /** @return non-overlapping spans */
    private static List<Span> flat(Random r, int n, List<String> types) {
        List<Span> out = new ArrayList<>();
        int i = r.nextInt(3);
        while (i < n) {
            int len = 1 + r.nextInt(3);
            if (i + len > n) {
                break;
            }
            if (r.nextDouble() < 0.5) {
                out.add(new Span(types.get(r.nextInt(types.size())), i, i + len));
            }
            i += len + r.nextInt(3);
        }
        return out;
    }

    @Test
    void jointEr() {
        Random r = new Random(1);
        int relations = 0;
        for (int k = 0; k < N; k++) {
            List<String> t = sentence(r);
            List<Span> e = flat(r, t.size(), TYPES);
            List<SpanRelation> rel = new ArrayList<>();
            Set<String> used = new HashSet<>();
            for (Span h : e) {
                for (Span tl : e) {
                    if (h != tl && r.nextDouble() < 0.3) {
                        String type = RELATIONS.get(r.nextInt(RELATIONS.size()));
                        if (used.add(type + h + tl)) {
                            rel.add(new SpanRelation(type, h, tl));
                        }
                    }
                }
            }
            relations += rel.size();
            String out = JointEr.encode(t, e, rel);
            Decoded d = JointEr.decode(t, out, Set.copyOf(TYPES), Set.copyOf(RELATIONS));
            assertEquals(Set.copyOf(e), Set.copyOf(d.entities()), out);
            assertEquals(Set.copyOf(rel), Set.copyOf(d.relations()), out);
            assertFalse(d.anyError(), out);
        }
        assertTrue(relations > N, "the generator made relations: " + relations);
    }

    @Test
    void nestedNer() {
        Random r = new Random(2);
        int nested = 0;
        int dropped = 0;
        for (int k = 0; k < N; k++) {
            List<String> t = sentence(r);
            Set<Span> e = new LinkedHashSet<>();
            for (int j = 0; j < 1 + r.nextInt(5); j++) {
                int s = r.nextInt(t.size());
                int end = s + 1 + r.nextInt(Math.min(5, t.size() - s));
                e.add(new Span(TYPES.get(r.nextInt(TYPES.size())), s, end));
            }
            // spans at the same place with another type are one bracket with two tags: keep one per place
            Map<List<Integer>, Span> byPlace = new java.util.LinkedHashMap<>();
            for (Span s : e) {
                byPlace.putIfAbsent(List.of(s.start(), s.end()), s);
            }
            List<Span> spans = new ArrayList<>(byPlace.values());
            List<Augmentation> a = new ArrayList<>();
            for (Span s : spans) {
                a.add(Augmentation.typed(s.type(), s.start(), s.end()));
            }
            AugmentedLanguage.Augmented aug = AugmentedLanguage.augment(t, a);
            Set<Span> expected = new HashSet<>(spans);
            for (Augmentation x : aug.dropped()) {
                expected.remove(new Span(x.tags().get(0).get(0), x.start(), x.end()));
            }
            dropped += aug.dropped().size();
            for (Span x : expected) {
                for (Span y : expected) {
                    if (x != y && x.start() <= y.start() && y.end() <= x.end()) {
                        nested++;
                    }
                }
            }
            assertEquals(aug.text(), JointEr.encode(t, spans, List.of()));
            Decoded d = JointEr.decode(t, aug.text(), Set.copyOf(TYPES), Set.of());
            assertEquals(expected, Set.copyOf(d.entities()), aug.text());
            assertFalse(d.anyError(), aug.text());
        }
        assertTrue(nested > 100 && dropped > 50, nested + " nested pairs, " + dropped + " dropped overlaps");
    }

    @Test
    void relationClassificationAndSrl() {
        Random r = new Random(3);
        for (int k = 0; k < N; k++) {
            List<String> t = sentence(r);
            List<Span> e = flat(r, t.size(), List.of("x"));
            if (e.size() < 2) {
                continue;
            }
            Span h = e.get(r.nextInt(e.size()));
            Span tl = e.get(r.nextInt(e.size()));
            if (h.equals(tl)) {
                continue;
            }
            String rel = RELATIONS.get(r.nextInt(RELATIONS.size()));
            Decoded d = RelationClassification.decode(RelationClassification.output(t, h, tl, rel), h, tl,
                    Set.copyOf(RELATIONS));
            assertEquals(rel, d.label());
            assertEquals(List.of(new SpanRelation(rel, h, tl)), d.relations());
            // SRL: arguments around a predicate
            Span v = e.get(0);
            List<Span> args = new ArrayList<>();
            for (Span s : e.subList(1, e.size())) {
                args.add(new Span(Schema.srlRole(r.nextBoolean() ? "ARG0" : "ARG1"), s.start(), s.end()));
            }
            String in = Srl.input(t, v);
            assertEquals(t.size() + 2, in.split(" ").length);
            Decoded s = JointEr.decode(t, Srl.output(t, args), Set.of("first argument", "second argument"), Set.of());
            assertEquals(Set.copyOf(args), Set.copyOf(s.entities()));
        }
    }

    @Test
    void events() {
        Random r = new Random(4);
        for (int k = 0; k < N; k++) {
            List<String> t = sentence(r);
            List<Span> e = flat(r, t.size(), TYPES);
            if (e.isEmpty()) {
                continue;
            }
            Span trigger = new Span("attack", e.get(0).start(), e.get(0).end());
            List<SpanRelation> args = new ArrayList<>();
            for (Span s : e.subList(1, e.size())) {
                args.add(new SpanRelation(r.nextBoolean() ? "target" : "attacker", s, trigger));
            }
            Decoded tr = JointEr.decode(t, Events.triggerOutput(t, List.of(trigger)), Set.of("attack"), Set.of());
            assertEquals(List.of(trigger), tr.entities());
            String in = Events.argumentInput(t, trigger);
            assertTrue(in.contains("| attack ]"), in);
            Decoded d = Events.decodeArguments(t, Events.argumentOutput(t, trigger, args), trigger, Set.copyOf(TYPES),
                    Set.of("target", "attacker"));
            assertEquals(Set.copyOf(args), Set.copyOf(d.relations()));
        }
    }

    @Test
    void coreferenceOverChunks() {
        Random r = new Random(5);
        for (int k = 0; k < N / 10; k++) {
            List<String> t = new ArrayList<>();
            for (int i = 0; i < 300 + r.nextInt(300); i++) {
                t.add("w" + r.nextInt(100_000)); // distinct almost surely; checked below
            }
            if (new HashSet<>(t).size() != t.size()) {
                continue;
            }
            // chains of single-word mentions whose links stay within 64 words (the chunks' stride), so every link is inside some chunk
            List<List<Span>> chains = new ArrayList<>();
            boolean[] taken = new boolean[t.size()];
            for (int c = 0; c < 8; c++) {
                List<Span> chain = new ArrayList<>();
                int at = r.nextInt(t.size());
                while (at < t.size() && chain.size() < 6) {
                    if (taken[at]) {
                        at++;
                        continue;
                    }
                    taken[at] = true;
                    chain.add(new Span("", at, at + 1));
                    at += 1 + r.nextInt(40);
                }
                if (chain.size() >= 2) {
                    chains.add(chain);
                }
            }
            Map<Coreference.Chunk, List<Coreference.Link>> links = new java.util.LinkedHashMap<>();
            for (Coreference.Chunk ch : Coreference.chunks(t, 128, 64)) {
                List<List<Span>> local = new ArrayList<>();
                for (List<Span> chain : chains) {
                    List<Span> in = new ArrayList<>();
                    for (Span m : chain) {
                        if (m.start() >= ch.offset() && m.end() <= ch.offset() + ch.tokens().size()) {
                            in.add(new Span("", m.start() - ch.offset(), m.end() - ch.offset()));
                        }
                    }
                    if (in.size() >= 2) {
                        local.add(in);
                    }
                }
                links.put(ch, Coreference.decode(ch.tokens(), Coreference.encode(ch.tokens(), local)));
            }
            List<List<Span>> expected = new ArrayList<>(chains);
            expected.sort(java.util.Comparator.comparing(l -> l.get(0)));
            assertEquals(expected, Coreference.merge(links));
        }
    }

    @Test
    void dialogueStateAndIntents() {
        Random r = new Random(6);
        List<String> domains = new ArrayList<>(DialogueState.MULTIWOZ.keySet());
        List<String> values = List.of("cheap", "north", "5", "yes", "the gonville hotel", "12:15", "dontcare");
        for (int k = 0; k < N; k++) {
            Set<Slot> state = new HashSet<>();
            for (int j = 0; j < r.nextInt(6); j++) {
                String d = domains.get(r.nextInt(domains.size()));
                List<String> slots = DialogueState.MULTIWOZ.get(d);
                String s = slots.get(r.nextInt(slots.size()));
                if (state.stream().noneMatch(x -> x.domain().equals(d) && x.slot().equals(s))) {
                    state.add(new Slot(d, s, values.get(r.nextInt(values.size()))));
                }
            }
            assertEquals(state, DialogueState.decode(DialogueState.encode(state, DialogueState.MULTIWOZ),
                    DialogueState.MULTIWOZ));
            List<String> t = sentence(r);
            List<Span> slots = flat(r, t.size(), List.of("genre", "artist", "playlist"));
            Decoded d = IntentSlots.decode(t, IntentSlots.encode(t, "play music", slots), Set.of("genre", "artist", "playlist"));
            assertEquals("play music", d.label());
            assertEquals(Set.copyOf(slots), Set.copyOf(d.entities()));
        }
    }
}
