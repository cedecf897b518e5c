package org.modelkit.api.translate;

import java.util.List;
import java.util.Set;

/**
 * Everything a task decoded from one output: the entities and relations, and what the tasks beyond them produce.
 *
 * @param output   the augmented output and its entities (character offsets into the input) and relations
 * @param slots    the belief state (dialogue state tracking); empty for other tasks
 * @param label    the sentence-level label: the relation (relation classification) or the intent; null if none
 * @param clusters coreference chains, each a list of mentions in order; empty for other tasks
 * @param errors   what went wrong reading the output; empty if nothing
 */
public record Translation(StructuredOutput output, List<Slot> slots, String label, List<List<Entity>> clusters,
        Set<Error> errors) {
    /** The kinds of malformed output a decoder reports (as the reference code counts them). */
    public enum Error {
        /** The output's own words, joined without spaces, differ from the input's. */
        WRONG_RECONSTRUCTION,
        /** A type, relation or label name is not one of the task's. */
        LABEL,
        /** A relation's tail names no entity of the output. */
        ENTITY,
        /** Brackets do not balance, a span lacks a single type, or a tag is not {@code name = tail}. */
        FORMAT
    }

    /** @throws IllegalArgumentException if the output or a list is null */
    public Translation {
        if (output == null || slots == null || clusters == null || errors == null) {
            throw new IllegalArgumentException("output, slots, clusters and errors must not be null");
        }
        slots = List.copyOf(slots);
        clusters = clusters.stream().map(List::copyOf).toList();
        errors = errors.isEmpty() ? Set.of() : Set.copyOf(java.util.EnumSet.copyOf(errors));
    }
}
