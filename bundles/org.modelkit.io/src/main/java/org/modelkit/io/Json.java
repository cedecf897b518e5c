package org.modelkit.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

/**
 * JSON results: any record, map, list, string, number or boolean, written pretty-printed and atomically;
 * read back into a given type. Non-finite numbers are refused on writing (JSON has none).
 */
public final class Json {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final Gson LINE = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private Json() {
    }

    /**
     * @param value a record, map, list or scalar
     * @return its JSON text
     * @throws IllegalArgumentException if it holds NaN or an infinity
     */
    public static String toJson(Object value) {
        return GSON.toJson(value);
    }

    /**
     * @param value a record, map, list or scalar
     * @return its JSON text on one line (for JSON-lines logs), nulls included
     * @throws IllegalArgumentException if it holds NaN or an infinity
     */
    public static String toLine(Object value) {
        return LINE.toJson(value);
    }

    /**
     * @param text   JSON text
     * @param source how to name the text in an error (a file and line)
     * @param type   the type to read into
     * @param <T>    that type
     * @return the value
     * @throws FormatException naming the source if the text is not valid JSON for that type or is empty
     */
    public static <T> T parse(String text, String source, Class<T> type) throws FormatException {
        try {
            T v = LINE.fromJson(text, type);
            if (v == null) {
                throw new FormatException(source, "is empty");
            }
            return v;
        } catch (JsonParseException e) {
            throw new FormatException(source, "is not valid JSON for " + type.getSimpleName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw malformed(source, type, e);
        }
    }

    /**
     * Writes a value as JSON atomically.
     *
     * @param path  the file
     * @param value a record, map, list or scalar
     * @throws IllegalArgumentException if the value holds NaN or an infinity (nothing is written)
     * @throws IOException              if writing fails; the file is then as it was
     */
    public static void write(Path path, Object value) throws IOException {
        AtomicFiles.writeString(path, toJson(value) + "\n");
    }

    /**
     * Reads a JSON file.
     *
     * @param path the file, plain or gzip
     * @param type the type to read into (a record, Map, List ...)
     * @param <T>  that type
     * @return the value
     * @throws FormatException if the text is not valid JSON for that type, is empty, or a record's
     *                         constructor refuses the values (its message is kept)
     * @throws IOException     if the file cannot be read
     */
    public static <T> T read(Path path, Class<T> type) throws IOException {
        try (Reader r = Csv.reader(path)) {
            T v = GSON.fromJson(r, type);
            if (v == null) {
                throw new FormatException(path, "is empty");
            }
            return v;
        } catch (JsonParseException e) {
            throw new FormatException(path, "is not valid JSON for " + type.getSimpleName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw malformed(String.valueOf(path.getFileName()), type, e);
        }
    }

    /**
     * What Gson throws besides {@link JsonParseException} on malformed text, as a {@link FormatException}: a record
     * constructor's refusal (wrapped by Gson in a plain RuntimeException), and whatever else its readers throw on text
     * they cannot take. Fuzzing found a {@link NumberFormatException} (a lenient read of an unquoted word as a number),
     * {@link IllegalStateException} (a value of the wrong kind) and a {@link NullPointerException} (a map key read as
     * null); the only code in the try blocks is Gson's parse, so every unchecked exception there is the text's fault.
     */
    private static FormatException malformed(String source, Class<?> type, RuntimeException e) {
        if (e.getCause() instanceof IllegalArgumentException bad) {
            return new FormatException(source, "does not hold a valid " + type.getSimpleName() + ": " + bad.getMessage());
        }
        return new FormatException(source, "is not valid JSON for " + type.getSimpleName() + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
}
