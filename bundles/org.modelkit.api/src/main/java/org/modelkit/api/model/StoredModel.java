package org.modelkit.api.model;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One version of a model in a {@link ModelStore}, as its metadata and the store's state describe it.
 *
 * @param handle     {@code id@version}
 * @param directory  the version's folder; from {@link ModelStore#open} a verified, read-only folder
 * @param state      available, removed (files kept, not resolvable) or purged (files deleted)
 * @param current    whether the id's current pointer names this version
 * @param digest     SHA-256 of the version's canonical metadata (which holds every file's SHA-256)
 * @param formats    the model formats the files hold: "onnx", "torchscript", "djl-params"
 * @param spec       the model description ({@code model.json}) verbatim, or null if the version has none
 * @param parent     the version it was derived from, or null
 * @param creator    who made it: a method's name and bundle version ("lqf 0.1.0"), or "import"
 * @param created    when it was published (UTC)
 * @param properties free properties the creator recorded (figures, settings)
 * @param files      every file with its size and SHA-256, by name
 * @param purged     when its files were deleted, or null
 */
public record StoredModel(ModelHandle handle, Path directory, State state, boolean current, String digest,
        List<String> formats, String spec, ModelHandle parent, String creator, Instant created,
        Map<String, String> properties, List<ModelFile> files, Instant purged) {

    /** Where a version is in its life. */
    public enum State {
        /** resolvable and openable */
        AVAILABLE,
        /** retired: not resolvable, files kept; {@link ModelStore#restore} undoes it */
        REMOVED,
        /** files deleted; the metadata stays as a tombstone so lineage remains readable */
        PURGED;

        /** @return the state's name in lower case, as files and tables show it */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** @throws IllegalArgumentException if a required part is missing */
    public StoredModel {
        if (handle == null || directory == null || state == null || digest == null || creator == null || created == null) {
            throw new IllegalArgumentException("a stored model needs a handle, directory, state, digest, creator and time");
        }
        formats = List.copyOf(formats == null ? List.of() : formats);
        properties = Map.copyOf(properties == null ? Map.of() : properties);
        files = List.copyOf(files == null ? List.of() : files);
    }

    /** @return the bytes of all its files */
    public long size() {
        return files.stream().mapToLong(ModelFile::size).sum();
    }

    /**
     * @param format "onnx", "torchscript" or "djl-params"
     * @return whether the version holds it
     */
    public boolean has(String format) {
        return formats.contains(format);
    }
}
