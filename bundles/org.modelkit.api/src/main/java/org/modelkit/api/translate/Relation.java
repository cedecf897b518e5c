package org.modelkit.api.translate;

/**
 * A typed relation between two entities.
 *
 * @param head index of the head entity in {@link StructuredOutput#entities()}
 * @param tail index of the tail entity
 * @param type the relation type, for example "Work_For"
 */
public record Relation(int head, int tail, String type) {
    /** @throws IllegalArgumentException if an index is negative or the type is null */
    public Relation {
        if (head < 0 || tail < 0) {
            throw new IllegalArgumentException("head = " + head + " and tail = " + tail + " must be >= 0");
        }
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
    }
}
