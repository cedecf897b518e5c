package org.modelkit.translator.tanl.format;

import java.util.List;

/**
 * One annotation of a token span: a list of tags, each a tuple of strings. For joint entity and relation
 * extraction the first tag is {@code (type)} and each further one {@code (relation, tail text)}; a tag whose first
 * element is empty writes no {@code | type}, only its further elements after {@code =}.
 *
 * @param tags  the tags, each non-empty
 * @param start the first token
 * @param end   one past the last token
 */
public record Augmentation(List<List<String>> tags, int start, int end) {
    /** @throws IllegalArgumentException if the span is empty or negative, or a tag is empty */
    public Augmentation {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("span [" + start + ", " + end + ") must be non-empty and start at >= 0");
        }
        tags = tags.stream().map(List::copyOf).toList();
        for (List<String> t : tags) {
            if (t.isEmpty()) {
                throw new IllegalArgumentException("a tag of span [" + start + ", " + end + ") is empty");
            }
        }
    }

    /**
     * @param type  the entity type
     * @param start the first token
     * @param end   one past the last
     * @return a span with one type tag
     */
    public static Augmentation typed(String type, int start, int end) {
        return new Augmentation(List.of(List.of(type)), start, end);
    }
}
