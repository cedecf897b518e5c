package org.modelkit.api.translate;

import java.util.List;

/**
 * @param augmented the model's output in the augmented language
 * @param entities  the entities decoded from it, aligned to the input sentence
 * @param relations the relations decoded from it, whose indices point into entities
 */
public record StructuredOutput(String augmented, List<Entity> entities, List<Relation> relations) {
    /** @throws IllegalArgumentException if a field is null or a relation points outside entities */
    public StructuredOutput {
        if (augmented == null || entities == null || relations == null) {
            throw new IllegalArgumentException("augmented, entities and relations must not be null");
        }
        entities = List.copyOf(entities);
        relations = List.copyOf(relations);
        for (Relation r : relations) {
            if (r.head() >= entities.size() || r.tail() >= entities.size()) {
                throw new IllegalArgumentException("relation " + r + " points outside the " + entities.size()
                        + " entities");
            }
        }
    }
}
