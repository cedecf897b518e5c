package org.modelkit.translator.tanl.format;

/**
 * A typed span of input words, as the metrics compare them.
 *
 * @param type  the type's natural name ("person"); empty for an untyped mention
 * @param start the first word
 * @param end   one past the last word
 */
public record Span(String type, int start, int end) implements Comparable<Span> {
    /** @throws IllegalArgumentException if the span is empty or negative */
    public Span {
        if (type == null || start < 0 || end <= start) {
            throw new IllegalArgumentException("span " + type + " [" + start + ", " + end + ") must be non-empty, typed and"
                    + " start at >= 0");
        }
    }

    @Override
    public int compareTo(Span o) {
        int c = Integer.compare(start, o.start);
        if (c == 0) {
            c = Integer.compare(o.end, end);
        }
        return c != 0 ? c : type.compareTo(o.type);
    }

    @Override
    public String toString() {
        return "(" + type + ", " + start + ", " + end + ")";
    }
}
