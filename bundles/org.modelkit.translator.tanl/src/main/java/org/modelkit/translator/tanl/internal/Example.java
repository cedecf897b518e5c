package org.modelkit.translator.tanl.internal;

import java.util.List;
import org.modelkit.translator.tanl.format.JointEr;
import org.modelkit.translator.tanl.format.Span;
import org.modelkit.translator.tanl.format.SpanRelation;

/**
 * A sentence with gold entities and relations (types by their natural names), as the data readers and generators
 * give them.
 *
 * @param tokens    the words
 * @param entities  typed spans
 * @param relations relations between them
 */
record Example(List<String> tokens, List<Span> entities, List<SpanRelation> relations) {
    Example {
        tokens = List.copyOf(tokens);
        entities = List.copyOf(entities);
        relations = List.copyOf(relations);
    }

    /** @return the augmented output the model learns to write */
    String output() {
        return JointEr.encode(tokens, entities, relations);
    }

    /** @return the input, words joined by spaces */
    String input() {
        return String.join(" ", tokens);
    }
}
