package org.modelkit.api.translate;

/**
 * A typed span of the input sentence.
 *
 * @param start first character, at least 0
 * @param end   one past the last character, greater than start
 * @param type  the entity type, for example "Peop"
 * @param text  the span's text
 */
public record Entity(int start, int end, String type, String text) {
    /** @throws IllegalArgumentException if the span is empty or negative, or a string is null */
    public Entity {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("span [" + start + ", " + end + ") must be non-empty and start at >= 0");
        }
        if (type == null || text == null) {
            throw new IllegalArgumentException("type and text must not be null");
        }
    }
}
