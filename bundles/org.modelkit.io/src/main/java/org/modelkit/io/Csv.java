package org.modelkit.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;

/**
 * Numeric CSV: matrices of numbers, optionally with a header line and a label column; plain or
 * gzip. Cells are separated by commas, or by tabs or runs of spaces when the first row has no comma.
 * Lines starting with '#' and blank lines are skipped. Quoted cells are not numbers and are refused.
 */
public final class Csv {
    private static final Pattern WHITESPACE = Pattern.compile("[ \\t]+");

    private Csv() {
    }

    /**
     * A numeric table.
     *
     * @param header the header cells, or an empty list if the file had none
     * @param values the numbers, shape {@code [rows, columns]}
     */
    public record Table(List<String> header, Tensor values) {
    }

    /**
     * Reads a numeric matrix.
     *
     * @param path   the file, plain or gzip
     * @param header whether the first row is a header to keep aside rather than numbers
     * @return the table
     * @throws FormatException if the file has no data rows, a row has another number of cells than
     *                         the first, a cell is not a finite number (with line and column), or the
     *                         bytes are not UTF-8
     * @throws IOException     if the file cannot be read
     */
    public static Table readMatrix(Path path, boolean header) throws IOException {
        List<String[]> head = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        int[] cols = {-1};
        forEachRow(path, (lineNo, cells) -> {
            if (header && head.isEmpty() && rows.isEmpty()) {
                head.add(cells);
                return;
            }
            if (cols[0] < 0) {
                cols[0] = cells.length;
            } else if (cells.length != cols[0]) {
                throw new FormatException(path, "line " + lineNo + " has " + cells.length + " cells, the first data"
                        + " row has " + cols[0]);
            }
            float[] row = new float[cells.length];
            for (int c = 0; c < cells.length; c++) {
                row[c] = number(path, cells[c], lineNo, c + 1);
            }
            rows.add(row);
        });
        if (rows.isEmpty()) {
            throw new FormatException(path, "no data rows");
        }
        return new Table(head.isEmpty() ? List.of() : List.of(head.get(0)), Tensor.ofRows(rows.toArray(new float[0][])));
    }

    /**
     * Reads samples with a label column, as {@link #readLabelled(Path, int)} does, with the first row
     * taken as a header when {@code header} is true (and recognised as one when it is not numeric).
     *
     * @param path        the file, plain or gzip
     * @param header      whether the first row is a header
     * @param labelColumn the 0-based column holding the labels; negative counts from the end (-1 = last)
     * @return the samples, features of shape {@code [rows, columns - 1]}
     * @throws FormatException if the table is malformed, the column does not exist, or a label is
     *                         neither a non-negative integer nor a class name
     * @throws IOException     if the file cannot be read
     */
    public static LabelledSet readLabelled(Path path, boolean header, int labelColumn) throws IOException {
        return labelled(path, header, labelColumn);
    }

    /**
     * Reads samples with a label column. The labels are non-negative integers or class names (then
     * numbered in sorted order, so a training and a test file agree). A first row that is not all
     * numbers is a header; scikit-learn's form {@code n_samples,n_features,name0,name1,...} (as in
     * its iris.csv) names the classes of integer labels.
     *
     * @param path        the file, plain or gzip
     * @param labelColumn the 0-based column holding the labels; negative counts from the end (-1 = last)
     * @return the samples, features of shape {@code [rows, columns - 1]}
     * @throws FormatException if the table is malformed, the column does not exist, a feature is not
     *                         a finite number, or integer and named labels are mixed
     * @throws IOException     if the file cannot be read
     */
    public static LabelledSet readLabelled(Path path, int labelColumn) throws IOException {
        return labelled(path, false, labelColumn);
    }

    private static LabelledSet labelled(Path path, boolean header, int labelColumn) throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        forEachRow(path, (lineNo, cells) -> {
            rows.add(cells);
            lines.add(lineNo);
        });
        String[] head = null;
        if (!rows.isEmpty()) {
            // a header: when told, when a feature cell of the first row is not a number, or scikit-learn's
            // n_samples,n_features,class names (its row is shorter than the data rows)
            String[] first = rows.get(0);
            int flc = labelColumn < 0 ? first.length + labelColumn : labelColumn;
            boolean textFeature = false;
            for (int c = 0; c < first.length; c++) {
                textFeature |= c != flc && !isNumber(first[c]);
            }
            boolean sklearn = rows.size() > 1 && first.length >= 3 && isWholeNumber(first[0]) && isWholeNumber(first[1])
                    && Long.parseLong(first[1]) == rows.get(1).length - 1 && Long.parseLong(first[0]) == rows.size() - 1;
            if (header || textFeature || sklearn) {
                head = first;
                rows.remove(0);
                lines.remove(0);
            }
        }
        if (rows.isEmpty()) {
            throw new FormatException(path, "no data rows");
        }
        int cols = rows.get(0).length;
        for (int i = 1; i < rows.size(); i++) {
            if (rows.get(i).length != cols) {
                throw new FormatException(path, "line " + lines.get(i) + " has " + rows.get(i).length + " cells, the first data"
                        + " row has " + cols);
            }
        }
        int lc = labelColumn < 0 ? cols + labelColumn : labelColumn;
        if (lc < 0 || lc >= cols) {
            throw new FormatException(path, "label column " + labelColumn + " does not exist; rows have " + cols + " cells");
        }
        if (cols < 2) {
            throw new FormatException(path, "rows have 1 cell; a labelled set needs features besides the label");
        }
        int n = rows.size();
        boolean named = rows.stream().anyMatch(c -> !isNumber(c[lc]));
        List<String> names = null;
        if (named) {
            java.util.TreeSet<String> distinct = new java.util.TreeSet<>();
            for (int i = 0; i < n; i++) {
                String c = rows.get(i)[lc];
                if (c.isEmpty()) {
                    throw new FormatException(path, "line " + lines.get(i) + ": empty label");
                }
                if (isNumber(c)) {
                    throw new FormatException(path, "line " + lines.get(i) + ": label '" + c + "' is a number, but other"
                            + " rows name their class (" + rows.stream().map(x -> x[lc]).filter(x -> !isNumber(x))
                            .findFirst().orElse("") + ")");
                }
                distinct.add(c);
            }
            names = new ArrayList<>(distinct);
        } else if (head != null && head.length >= 3 && isWholeNumber(head[0]) && isWholeNumber(head[1])
                && Long.parseLong(head[0]) == n && Long.parseLong(head[1]) == cols - 1) {
            names = List.of(Arrays.copyOfRange(head, 2, head.length)); // scikit-learn's header
        }
        float[] x = new float[n * (cols - 1)];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            String[] cells = rows.get(i);
            int k = 0;
            for (int c = 0; c < cols; c++) {
                if (c != lc) {
                    x[i * (cols - 1) + k++] = number(path, cells[c], lines.get(i), c + 1);
                } else if (named) {
                    y[i] = java.util.Collections.binarySearch(names, cells[c]);
                } else {
                    float v = number(path, cells[c], lines.get(i), c + 1);
                    if (v != Math.rint(v) || v < 0) {
                        throw new FormatException(path, "data row " + (i + 1) + ": label " + v
                                + " is not a non-negative integer");
                    }
                    if (v > Sources.MAX_LABEL) {
                        throw new FormatException(path, "data row " + (i + 1) + ": label " + v + " is above "
                                + Sources.MAX_LABEL + "; classes are numbered from 0, so name them instead");
                    }
                    y[i] = (int) v;
                    if (names != null && y[i] >= names.size()) {
                        throw new FormatException(path, "data row " + (i + 1) + ": label " + y[i] + ", but the header names "
                                + names.size() + " classes");
                    }
                }
            }
        }
        Tensor features = Tensor.of(x, n, cols - 1);
        return names == null ? LabelledSet.withNumberedClasses(features, y) : new LabelledSet(features, y, names);
    }

    /** What a reader does with one row: its line number and its stripped cells. */
    @FunctionalInterface
    private interface RowReader {
        void row(int lineNo, String[] cells) throws IOException;
    }

    /**
     * The one loop over a table's lines: blank lines and {@code #} comments skipped, the separator
     * (comma, else tabs and spaces) taken from the first row, cells stripped.
     */
    private static void forEachRow(Path path, RowReader reader) throws IOException {
        Pattern sep = null;
        try (BufferedReader r = reader(path)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                if (sep == null) {
                    sep = t.indexOf(',') >= 0 ? Pattern.compile(",") : WHITESPACE;
                }
                String[] cells = sep.split(t, -1);
                for (int c = 0; c < cells.length; c++) {
                    cells[c] = cells[c].strip();
                }
                reader.row(lineNo, cells);
            }
        }
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isWholeNumber(String s) {
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Writes a rank-2 tensor as CSV atomically.
     *
     * @param path   the file
     * @param values shape {@code [rows, columns]}
     * @param header column names (as many as columns), or an empty list for none
     * @throws IllegalArgumentException if the tensor is not rank 2 or the header has the wrong length
     * @throws IOException              if writing fails; the file is then as it was
     */
    public static void writeMatrix(Path path, Tensor values, List<String> header) throws IOException {
        if (values.rank() != 2) {
            throw new IllegalArgumentException("CSV holds a rank-2 tensor, got " + values);
        }
        int cols = values.dim(1);
        if (!header.isEmpty() && header.size() != cols) {
            throw new IllegalArgumentException("header has " + header.size() + " names for " + cols + " columns");
        }
        List<List<?>> rows = new ArrayList<>(values.dim(0));
        for (int r = 0; r < values.dim(0); r++) {
            List<Object> row = new ArrayList<>(cols);
            for (int c = 0; c < cols; c++) {
                row.add(values.getFlat(r * cols + c));
            }
            rows.add(row);
        }
        writeRows(path, header, rows);
    }

    /**
     * Writes result rows as CSV atomically: numbers in their shortest exact form, strings quoted when
     * they hold a comma, quote or line break.
     *
     * @param path   the file
     * @param header column names, or an empty list for none
     * @param rows   the rows; cells are numbers, strings, booleans or null (written empty)
     * @throws IOException if writing fails; the file is then as it was
     */
    public static void writeRows(Path path, List<String> header, List<? extends List<?>> rows) throws IOException {
        AtomicFiles.writeString(path, format(header, rows));
    }

    /**
     * The text {@link #writeRows} writes, for a file written together with others
     * ({@link AtomicFiles#writeAll}).
     *
     * @param header column names, or an empty list for none
     * @param rows   the rows; cells are numbers, strings, booleans or null (written empty)
     * @return the CSV text
     * @since 1.4
     */
    public static String format(List<String> header, List<? extends List<?>> rows) {
        StringBuilder sb = new StringBuilder();
        if (!header.isEmpty()) {
            appendRow(sb, header);
        }
        for (List<?> row : rows) {
            appendRow(sb, row);
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<?> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object c = cells.get(i);
            if (c == null) {
                continue;
            }
            String s = c instanceof Float f ? Float.toString(f) : c.toString();
            if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0) {
                s = '"' + s.replace("\"", "\"\"") + '"';
            }
            sb.append(s);
        }
        sb.append('\n');
    }

    private static float number(Path path, String cell, int line, int col) throws FormatException {
        String s = cell.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            throw new FormatException(path, "line " + line + ", column " + col + ": empty cell");
        }
        if (lower.contains("nan") || lower.contains("inf")) {
            throw new FormatException(path, "line " + line + ", column " + col + ": '" + s + "' is not a finite number");
        }
        try {
            float v = Float.parseFloat(s);
            if (!Float.isFinite(v)) {
                throw new FormatException(path, "line " + line + ", column " + col + ": '" + s
                        + "' is out of the float range");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new FormatException(path, "line " + line + ", column " + col + ": '" + abbreviate(s)
                    + "' is not a number");
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /** A strict UTF-8 reader: malformed bytes are an error, not replacement characters. */
    static BufferedReader reader(Path path) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return new BufferedReader(new InputStreamReader(Sources.open(path), decoder)) {
            @Override
            public String readLine() throws IOException {
                try {
                    return super.readLine();
                } catch (CharacterCodingException e) {
                    throw new FormatException(path, "is not UTF-8 text (" + e.getMessage() + ")");
                }
            }
        };
    }
}
