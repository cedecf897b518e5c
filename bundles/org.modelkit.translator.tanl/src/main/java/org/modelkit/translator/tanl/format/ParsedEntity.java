package org.modelkit.translator.tanl.format;

import java.util.List;

/**
 * A bracketed span read back from an augmented sentence and aligned to the input.
 *
 * @param name  the words written inside the brackets before the first {@code |}
 * @param tags  the {@code |}-separated groups after it, each split at {@code " = "}; empty if there was no {@code |}
 * @param start the first input token it aligned to
 * @param end   one past the last input token it aligned to
 */
public record ParsedEntity(String name, List<List<String>> tags, int start, int end) {
    /** Copies the tags. */
    public ParsedEntity {
        tags = tags.stream().map(List::copyOf).toList();
    }

    /** @return the first tag's first element, or null if there is no tag */
    public String type() {
        return tags.isEmpty() ? null : tags.get(0).get(0);
    }
}
