package org.modelkit.translator.tanl.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Relation classification (FewRel, TACRED): the two entities are bracketed in the input, followed by the question
 * {@code The relationship between [ e1 ] and [ e2 ] is}; the output is
 * {@code relationship between [ e1 ] and [ e2 ] = relation}.
 */
public final class RelationClassification {
    private RelationClassification() {
    }

    /**
     * @param tokens the sentence's words
     * @param head   the first entity (any type)
     * @param tail   the second, not overlapping the first
     * @return the input: both spans bracketed in order of position, then the question (the reference joins the parts
     *         so that a double space stands before {@code The} when the sentence ends with a bracketed span)
     */
    public static String input(List<String> tokens, Span head, Span tail) {
        Span first = head.start() < tail.start() ? head : tail;
        Span latter = first == head ? tail : head;
        String s = String.join(" ", tokens.subList(0, first.start())) + " [ " + words(tokens, first) + " ] "
                + String.join(" ", tokens.subList(first.end(), latter.start()));
        s += " [ " + words(tokens, latter) + " ] " + String.join(" ", tokens.subList(latter.end(), tokens.size()));
        s += " The relationship between [ " + words(tokens, head) + " ] and [ " + words(tokens, tail) + " ] is";
        return s.strip();
    }

    /**
     * @param tokens   the sentence's words
     * @param head     the first entity
     * @param tail     the second
     * @param relation the relation's natural name
     * @return the output
     */
    public static String output(List<String> tokens, Span head, Span tail, String relation) {
        return ("relationship between [ " + words(tokens, head) + " ] and [ " + words(tokens, tail) + " ] = " + relation)
                .strip();
    }

    /**
     * @param output   an output sentence
     * @param head     the first entity
     * @param tail     the second
     * @param relations the known relations' natural names; another label is a label error
     * @return the relation, the text after the last {@code =}, as a relation between the given spans and as the label
     */
    public static Decoded decode(String output, Span head, Span tail, java.util.Set<String> relations) {
        int at = output.lastIndexOf(AugmentedLanguage.RELATION_SEPARATOR);
        String label = (at < 0 ? output : output.substring(at + 1)).strip();
        List<SpanRelation> r = new ArrayList<>();
        r.add(new SpanRelation(label, head, tail));
        return new Decoded(List.of(), r, label, false, !relations.contains(label), false, at < 0);
    }

    static String words(List<String> tokens, Span s) {
        return String.join(" ", tokens.subList(s.start(), Math.min(s.end(), tokens.size())));
    }
}
