package org.modelkit.translator.tanl.format;

import java.util.List;

/**
 * What a task decoder read from one output sentence.
 *
 * @param entities            the typed spans kept, in order of closing, without repeats
 * @param relations           the relations between them, without repeats
 * @param label               the sentence-level label (relation classification, intent), or null
 * @param wrongReconstruction the output's own words differ from the input's
 * @param labelError          a type or relation name is not one of the task's
 * @param entityError         a relation's tail names no predicted entity
 * @param formatError         brackets do not balance, or a span lacks a single-word type tag, or a relation tag is
 *                            not {@code name = tail}
 */
public record Decoded(List<Span> entities, List<SpanRelation> relations, String label, boolean wrongReconstruction,
        boolean labelError, boolean entityError, boolean formatError) {
    /** Copies the lists. */
    public Decoded {
        entities = List.copyOf(entities);
        relations = List.copyOf(relations);
    }

    /** @return whether any error flag is set */
    public boolean anyError() {
        return wrongReconstruction || labelError || entityError || formatError;
    }
}
