package org.modelkit.translator.tanl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.modelkit.translator.tanl.format.JointEr;
import org.modelkit.translator.tanl.format.Schema;
import org.modelkit.translator.tanl.format.Span;
import org.modelkit.translator.tanl.format.SpanRelation;

/** The CoNLL04-like generator: 61 templates, exact gold that round-trips, held-out names and templates disjoint. */
class Conll04LikeTest {
    @Test
    void goldIsExactAndSplitsAreDisjoint() {
        Conll04Like g = Conll04Like.load();
        assertEquals(61, Conll04Like.TEMPLATES.size());
        Set<String> trainNames = new HashSet<>();
        Set<String> relationTypes = new HashSet<>();
        for (Example e : g.generate(2000, Conll04Like.Split.TRAIN, 1)) {
            String out = e.output();
            var d = JointEr.decode(e.tokens(), out, Schema.CONLL04.entityNames(), Schema.CONLL04.relationNames());
            assertEquals(Set.copyOf(e.entities()), Set.copyOf(d.entities()), out);
            assertEquals(Set.copyOf(e.relations()), Set.copyOf(d.relations()), out);
            assertFalse(d.anyError(), out);
            assertFalse(e.tokens().contains(":"), "a template's relation list leaked into the sentence: " + out);
            for (Span s : e.entities()) {
                if (s.type().equals("person")) {
                    trainNames.add(String.join(" ", e.tokens().subList(s.start(), s.end())));
                }
            }
            for (SpanRelation r : e.relations()) {
                relationTypes.add(r.type());
            }
        }
        assertEquals(Schema.CONLL04.relationNames(), relationTypes);
        int seen = 0;
        List<Example> test = g.generate(500, Conll04Like.Split.TEST, 2);
        for (Example e : test) {
            for (Span s : e.entities()) {
                if (s.type().equals("person") && trainNames.contains(String.join(" ", e.tokens().subList(s.start(), s.end())))) {
                    seen++;
                }
            }
        }
        assertEquals(0, seen, "held-out persons appear in training sentences");
        System.out.println("CoNLL04-like samples:");
        for (Example e : test.subList(0, 5)) {
            System.out.println("  " + e.output());
        }
    }
}
