package org.modelkit.store.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.modelkit.api.model.ModelFile;

/**
 * A version's {@code meta.json}. Its canonical form (compact JSON, fields in this order, properties
 * sorted by key, files by name) is what the version's digest is the SHA-256 of, so re-indenting the
 * file does not change the digest and changing any value does.
 */
record Meta(int schema, String id, int version, List<String> formats, String spec, String parent,
        String creator, String created, Map<String, String> properties, List<ModelFile> files) {
    static final int SCHEMA = 1;
    private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final Gson PRETTY = new GsonBuilder().disableHtmlEscaping().serializeNulls().setPrettyPrinting().create();

    Meta {
        formats = List.copyOf(formats);
        properties = new TreeMap<>(properties == null ? Map.of() : properties);
        files = files.stream().sorted(Comparator.comparing(ModelFile::name)).toList();
    }

    /** @return the canonical text */
    String canonical() {
        return COMPACT.toJson(this);
    }

    /** @return the text written to meta.json */
    String pretty() {
        return PRETTY.toJson(this) + "\n";
    }

    /** @return the SHA-256 of the canonical text */
    String digest() {
        return sha256(canonical().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param text meta.json's text
     * @return the metadata
     * @throws IllegalArgumentException if it is not valid metadata
     */
    static Meta parse(String text) {
        try {
            Meta m = COMPACT.fromJson(text, Meta.class);
            if (m == null || m.id() == null || m.creator() == null || m.created() == null || m.files() == null
                    || m.formats() == null) {
                throw new IllegalArgumentException("it lacks id, creator, created, formats or files");
            }
            // what a store's reader parses later, checked here so a damaged file is refused as one
            java.time.Instant.parse(m.created());
            if (m.parent() != null) {
                org.modelkit.api.model.ModelHandle.parse(m.parent());
            }
            return m;
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("it is not valid JSON: " + e.getMessage());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("created '" + e.getParsedString() + "' is not an ISO-8601 instant");
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // Gson wraps what the constructor throws (a null list, ModelFile's checks) and throws others of its own on
            // text it cannot take (found by fuzzing, StoreFilesFuzzTest): all of them mean a damaged file
            if (e.getCause() instanceof IllegalArgumentException bad) {
                throw bad;
            }
            throw new IllegalArgumentException("it does not hold valid metadata: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
