package org.modelkit.store.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.util.Map;
import java.util.TreeMap;

/**
 * An id's {@code state.json}: the current version and, per version, its state, the digest recorded at
 * publication and, once purged, when.
 *
 * @param current  the current version (0 if none yet)
 * @param versions by version number
 */
record StateFile(int current, Map<Integer, Entry> versions) {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();

    /** One version's line. */
    record Entry(String state, String digest, String purged) {
    }

    StateFile {
        versions = new TreeMap<>(versions == null ? Map.of() : versions);
    }

    static StateFile empty() {
        return new StateFile(0, Map.of());
    }

    StateFile with(int version, Entry e) {
        TreeMap<Integer, Entry> v = new TreeMap<>(versions);
        v.put(version, e);
        return new StateFile(current, v);
    }

    StateFile withCurrent(int version) {
        return new StateFile(version, versions);
    }

    String json() {
        return GSON.toJson(this) + "\n";
    }

    static StateFile parse(String text) {
        try {
            StateFile s = GSON.fromJson(text, StateFile.class);
            if (s == null) {
                throw new IllegalArgumentException("it is empty");
            }
            for (Map.Entry<Integer, Entry> e : s.versions().entrySet()) {
                if (e.getKey() == null || e.getKey() < 1 || e.getValue() == null || e.getValue().state() == null
                        || e.getValue().digest() == null) {
                    throw new IllegalArgumentException("version " + e.getKey() + " lacks a state or digest");
                }
                // what the store parses later, checked here so a damaged file is refused as one
                org.modelkit.api.model.StoredModel.State.valueOf(e.getValue().state().toUpperCase(java.util.Locale.ROOT));
                if (e.getValue().purged() != null) {
                    java.time.Instant.parse(e.getValue().purged());
                }
            }
            return s;
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("it is not valid JSON: " + e.getMessage());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("purged '" + e.getParsedString() + "' is not an ISO-8601 instant");
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // what else Gson throws on text it cannot take (found by fuzzing, StoreFilesFuzzTest)
            throw new IllegalArgumentException("it does not hold a valid state: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
