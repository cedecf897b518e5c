package org.modelkit.translator.tanl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.modelkit.api.translate.Slot;

/**
 * The golden vectors of the reference implementation's own format functions (notes §1.2–1.3, produced by running
 * {@code output_formats.py} and {@code utils.py}): every string, entity tuple and flag exactly.
 */
class GoldenTest {
    private static List<String> w(String s) {
        return List.of(s.split(" "));
    }

    private static final List<String> TOLKIEN = w("Tolkien was born in South Africa and worked for Oxford University");

    @Test
    void jointEntitiesAndRelations() {
        Span tolkien = new Span("person", 0, 1);
        Span sa = new Span("location", 4, 6);
        Span ou = new Span("organization", 9, 11);
        String out = JointEr.encode(TOLKIEN, List.of(tolkien, sa, ou),
                List.of(new SpanRelation("lives in", tolkien, sa), new SpanRelation("works for", tolkien, ou)));
        assertEquals("[ Tolkien | person | lives in = South Africa | works for = Oxford University ] was born in"
                + " [ South Africa | location ] and worked for [ Oxford University | organization ]", out);
        Decoded d = JointEr.decode(TOLKIEN, out, Schema.CONLL04.entityNames(), Schema.CONLL04.relationNames());
        assertEquals(List.of(tolkien, sa, ou), d.entities());
        assertEquals(List.of(new SpanRelation("lives in", tolkien, sa), new SpanRelation("works for", tolkien, ou)),
                d.relations());
        assertFalse(d.anyError());
        assertEquals("conll04 : Tolkien was born in South Africa and worked for Oxford University",
                TaskKind.prefixed("conll04", String.join(" ", TOLKIEN)));
    }

    @Test
    void misspeltTailIsAnEntityError() {
        Decoded d = JointEr.decode(TOLKIEN, "[ Tolkien | person | lives in = South Africa ] was born in [ South Afrika"
                + " | location ] and worked for [ Oxford University | organization ]", Schema.CONLL04.entityNames(),
                Schema.CONLL04.relationNames());
        assertEquals(Set.of(new Span("person", 0, 1), new Span("location", 4, 6), new Span("organization", 9, 11)),
                Set.copyOf(d.entities()));
        assertEquals(List.of(), d.relations());
        assertTrue(d.wrongReconstruction());
        assertTrue(d.entityError());
        assertFalse(d.labelError());
        assertFalse(d.formatError());
    }

    @Test
    void nestedNer() {
        List<String> t = w("The University of California at Berkeley");
        assertEquals("The [ University of [ California | location ] | organization ] at [ Berkeley | location ]",
                JointEr.encode(t, List.of(new Span("organization", 1, 4), new Span("location", 3, 4),
                        new Span("location", 5, 6)), List.of()));
        Decoded d = JointEr.decode(t, "The [ University of [ California | location ] | organization ] at [ Berkeley |"
                + " location ]", Schema.CONLL03.entityNames(), Set.of());
        assertEquals(List.of(new Span("location", 3, 4), new Span("organization", 1, 4), new Span("location", 5, 6)),
                d.entities());
        assertFalse(d.anyError());
    }

    @Test
    void partialOverlapIsDropped() {
        AugmentedLanguage.Augmented a = AugmentedLanguage.augment(w("w1 w2 w3 w4"),
                List.of(Augmentation.typed("A", 0, 2), Augmentation.typed("B", 1, 3)));
        assertEquals("[ w1 w2 | A ] w3 w4", a.text());
        assertEquals(List.of(Augmentation.typed("B", 1, 3)), a.dropped());
    }

    @Test
    void coreference() {
        List<String> t = w("Barack Obama nominated Hillary Clinton as his secretary . He chose her");
        List<List<Span>> chains = List.of(
                List.of(new Span("", 0, 2), new Span("", 6, 7), new Span("", 9, 10)),
                List.of(new Span("", 3, 5), new Span("", 7, 8), new Span("", 11, 12)));
        String out = Coreference.encode(t, chains);
        assertEquals("[ Barack Obama ] nominated [ Hillary Clinton ] as [ his | Barack Obama ] [ secretary | Hillary"
                + " Clinton ] . [ He | his ] chose [ her | secretary ]", out);
        List<Coreference.Link> links = Coreference.decode(t, out);
        assertEquals(6, links.size());
        assertEquals(new Coreference.Link(new Span("", 9, 10), new Span("", 6, 7)), links.get(4));
        assertEquals(null, links.get(0).parent());
        Coreference.Chunk c = new Coreference.Chunk(0, t);
        assertEquals(chains, Coreference.merge(java.util.Map.of(c, links)));
    }

    @Test
    void relationClassification() {
        List<String> t = w("Born in Bologna , Carmen Melis was a soprano");
        Span head = new Span("", 4, 6);
        Span tail = new Span("", 8, 9);
        assertEquals("Born in Bologna , [ Carmen Melis ] was a [ soprano ]  The relationship between [ Carmen Melis ]"
                + " and [ soprano ] is", RelationClassification.input(t, head, tail));
        String out = RelationClassification.output(t, head, tail, "voice type");
        assertEquals("relationship between [ Carmen Melis ] and [ soprano ] = voice type", out);
        Decoded d = RelationClassification.decode(out, head, tail, Set.of("voice type"));
        assertEquals("voice type", d.label());
        assertFalse(d.anyError());
    }

    @Test
    void semanticRoles() {
        List<String> t = w("The cat ate the fish");
        assertEquals("The cat [ ate ] the fish", Srl.input(t, new Span("V", 2, 3)));
        String out = Srl.output(t, List.of(new Span(Schema.srlRole("ARG0"), 0, 2), new Span(Schema.srlRole("ARG1"), 3, 5)));
        assertEquals("[ The cat | first argument ] ate [ the fish | second argument ]", out);
        Decoded d = JointEr.decode(t, out, Set.of("first argument", "second argument"), Set.of());
        assertEquals(List.of(new Span("first argument", 0, 2), new Span("second argument", 3, 5)), d.entities());
    }

    @Test
    void eventsInTwoStages() {
        List<String> t = w("Two soldiers were attacked and injured yesterday");
        Span trigger = new Span("attack", 3, 4);
        assertEquals("Two soldiers were [ attacked | attack ] and injured yesterday", Events.triggerOutput(t, List.of(trigger)));
        assertEquals("Two soldiers were [ attacked | attack ] and injured yesterday", Events.argumentInput(t, trigger));
        Span soldiers = new Span("person", 0, 2);
        String out = Events.argumentOutput(t, trigger, List.of(new SpanRelation("target", soldiers, trigger)));
        assertEquals("[ Two soldiers | person | target = attacked ] were attacked and injured yesterday", out);
        Decoded d = Events.decodeArguments(t, out, trigger, Set.of("person"), Set.of("target"));
        assertEquals(List.of(soldiers), d.entities());
        assertEquals(List.of(new SpanRelation("target", soldiers, trigger)), d.relations());
        Decoded triggers = JointEr.decode(t, Events.triggerOutput(t, List.of(trigger)), Set.of("attack"), Set.of());
        assertEquals(List.of(trigger), triggers.entities());
    }

    @Test
    void dialogueState() {
        Set<Slot> state = Set.of(new Slot("hotel", "price range", "cheap"), new Slot("hotel", "type", "hotel"));
        String out = DialogueState.encode(state, DialogueState.MULTIWOZ);
        assertEquals("[belief] hotel area not given , hotel book day not given , hotel book people not given , hotel book"
                + " stay not given , hotel internet not given , hotel name not given , hotel parking not given , hotel"
                + " price range cheap , hotel stars not given , hotel type hotel [belief]", out);
        assertEquals(state, DialogueState.decode(out, DialogueState.MULTIWOZ));
    }

    @Test
    void intentAndSlots() {
        List<String> t = w("play jazz music");
        String out = IntentSlots.encode(t, "play music", List.of(new Span("genre", 1, 2)));
        assertEquals("(( play music )) play [ jazz | genre ] music", out);
        Decoded d = IntentSlots.decode(t, out, Set.of("genre"));
        assertEquals("play music", d.label());
        assertEquals(List.of(new Span("genre", 1, 2)), d.entities());
        assertFalse(d.anyError());
    }

    private static void parses(List<String> in, String out, List<ParsedEntity> entities, boolean wrong) {
        AugmentedLanguage.Parse p = AugmentedLanguage.parse(in, out);
        assertEquals(entities, p.entities(), out);
        assertEquals(wrong, p.wrongReconstruction(), out);
    }

    private static ParsedEntity e(String name, String type, int start, int end) {
        return new ParsedEntity(name, List.of(List.of(type)), start, end);
    }

    @Test
    void alignment() {
        List<String> abac = w("a b a c");
        parses(abac, "[ a | x ] b a c", List.of(e("a", "x", 0, 1)), false);
        parses(abac, "a b [ a | x ] c", List.of(e("a", "x", 2, 3)), false);
        parses(abac, "[ a | x ] c", List.of(e("a", "x", 2, 3)), true);
        parses(abac, "b [ a | x ]", List.of(e("a", "x", 2, 3)), true);
        parses(abac, "a a b [ c | y ]", List.of(e("c", "y", 3, 4)), true);
        parses(abac, "[ a b | x ] a c", List.of(e("a b", "x", 0, 2)), false);
        parses(abac, "[ d | x ] b a c", List.of(e("d", "x", 0, 1)), true);
        List<String> john = w("John lives in Paris");
        parses(john, "[ John | person lives in [ Paris | location ]", List.of(), true);
        parses(john, "John ] lives in Paris", List.of(), true);
        parses(TOLKIEN, "Tolkien [ born | person ] in South [ Africa | location ] and worked for Oxford",
                List.of(e("born", "person", 2, 3), e("Africa", "location", 5, 6)), true);
    }

    @Test
    void tieBreaksPreferMatchThenSkipInput() {
        // a b vs x: substituting a (option 1) and skipping b costs 2, as does skipping a and substituting b; the
        // backtrack from (b, x) tries the match first, so x aligns to b
        assertEquals(List.of(1), box(AugmentedLanguage.align(w("a b"), w("x"))));
        // a vs x y: the last output word y is matched to a (option 1 at the corner), x is left unmatched
        assertEquals(List.of(-1, 0), box(AugmentedLanguage.align(w("a"), w("x y"))));
        // equal words always win over substitution
        assertEquals(List.of(0, 2), box(AugmentedLanguage.align(w("a b c"), w("a c"))));
    }

    private static List<Integer> box(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
