package org.modelkit.translator.tanl.format;

/**
 * A word of a sentence with its place in the sentence's characters.
 *
 * @param text  the word
 * @param start its first character
 * @param end   one past its last character
 */
public record Token(String text, int start, int end) {
    /** @throws IllegalArgumentException if the text is empty or does not span [start, end) */
    public Token {
        if (text == null || text.isEmpty() || start < 0 || end - start != text.length()) {
            throw new IllegalArgumentException("token '" + text + "' does not span [" + start + ", " + end + ")");
        }
    }
}
