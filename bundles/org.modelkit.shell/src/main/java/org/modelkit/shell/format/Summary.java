package org.modelkit.shell.format;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One item described by named fields, rendered as aligned {@code name: value} lines, with an
 * optional one-line headline first.
 *
 * @param headline a line shown first, or null
 * @param fields   the fields in display order
 */
public record Summary(String headline, Map<String, String> fields) {
    /** Copies the fields, keeping their order. */
    public Summary {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** @return the aligned text */
    public String render() {
        int w = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        if (headline != null) {
            sb.append(headline).append('\n');
        }
        fields.forEach((k, v) -> sb.append(k).append(':').append(" ".repeat(w - k.length() + 1))
                .append(v == null ? "-" : v).append('\n'));
        return sb.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
