package org.modelkit.translator.tanl.format;

/**
 * A typed relation between two spans.
 *
 * @param type the relation's natural name ("works for")
 * @param head the span the relation is written on
 * @param tail the span it points to
 */
public record SpanRelation(String type, Span head, Span tail) {
    /** @throws IllegalArgumentException if a field is null */
    public SpanRelation {
        if (type == null || head == null || tail == null) {
            throw new IllegalArgumentException("a relation needs a type, a head and a tail");
        }
    }

    @Override
    public String toString() {
        return "(" + type + ", " + head + ", " + tail + ")";
    }
}
