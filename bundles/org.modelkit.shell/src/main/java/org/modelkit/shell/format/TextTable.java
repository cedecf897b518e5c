package org.modelkit.shell.format;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of text: a header and rows of the same width, rendered with aligned columns.
 *
 * @param header the column names, at least one
 * @param rows   the rows; each as long as the header; null cells print as "-"
 */
public record TextTable(List<String> header, List<List<String>> rows) {
    /** @throws IllegalArgumentException if the header is empty or a row has another width */
    public TextTable {
        if (header == null || header.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        header = List.copyOf(header);
        List<List<String>> copy = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).size() != header.size()) {
                throw new IllegalArgumentException("row " + r + " has " + rows.get(r).size() + " cells, the header has "
                        + header.size());
            }
            copy.add(rows.get(r).stream().map(c -> c == null ? "-" : c).toList());
        }
        rows = List.copyOf(copy);
    }

    /** @return the rows as aligned text, one line each, header first; "(none)" under the header if empty */
    public String render() {
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width);
        if (rows.isEmpty()) {
            sb.append("(none)\n");
        }
        for (List<String> row : rows) {
            line(sb, row, width);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            l.append(cells.get(c));
            if (c < cells.size() - 1) {
                l.append(" ".repeat(width[c] - cells.get(c).length() + 2));
            }
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    @Override
    public String toString() {
        return render();
    }
}
