package org.modelkit.shell.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.model.ModelWriter;
import org.modelkit.api.model.StoredModel;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * What a command's MODEL argument names: a stored model ({@code id} for its current version, or
 * {@code id@version}), opened and verified through the {@link ModelStore} service, or a file or folder
 * on disk. A word that is both a stored id and an existing path is refused as ambiguous; {@code ./x}
 * always names the path (an id never holds '/').
 */
public final class Models {
    private Models() {
    }

    /**
     * A resolved MODEL argument.
     *
     * @param path   the file or folder to read (a stored version's verified, read-only folder)
     * @param stored the stored version, or null if the word named a path
     */
    public record Resolved(Path path, StoredModel stored) {
        /** @return the handle, or null for a path */
        public ModelHandle handle() {
            return stored == null ? null : stored.handle();
        }

        /** @return how to name it in a result: {@code id@version}, or the file's name */
        public String label() {
            return stored != null ? stored.handle().toString() : String.valueOf(path.getFileName());
        }
    }

    /**
     * @param context the command's bundle context
     * @param word    the MODEL argument
     * @return the stored version (verified) or the path
     * @throws IllegalArgumentException naming the word if it is ambiguous, or neither a stored model nor
     *                                  an existing path, or names a stored model while no store is running
     */
    public static Resolved resolve(BundleContext context, String word) {
        if (word == null || word.isEmpty()) {
            throw new IllegalArgumentException("MODEL is empty: give a stored model (id or id@version) or a path");
        }
        boolean pathOnly = word.contains("/") || word.contains("\\") || word.startsWith(".");
        boolean exists = Files.exists(Path.of(word));
        if (pathOnly) {
            if (!exists) {
                throw new IllegalArgumentException("MODEL '" + word + "': no such file or folder");
            }
            return new Resolved(Path.of(word), null);
        }
        ServiceReference<ModelStore> ref = context.getServiceReference(ModelStore.class);
        ModelStore store = ref == null ? null : context.getService(ref);
        try {
            boolean stored = store != null && isStored(store, word);
            if (stored && exists) {
                throw new IllegalArgumentException("MODEL '" + word + "' is ambiguous: it is a stored model and a path"
                        + " in the working folder; write ./" + word + " for the path or " + word + "@N for a version");
            }
            if (stored) {
                StoredModel m = store.open(store.resolve(word));
                return new Resolved(m.directory(), m);
            }
            if (exists) {
                return new Resolved(Path.of(word), null);
            }
            if (store == null && word.contains("@")) {
                throw new IllegalArgumentException("MODEL '" + word + "' names a stored model, but no model store is"
                        + " running (bundle org.modelkit.store)");
            }
            if (store != null && word.contains("@")) {
                store.resolve(word); // says what is wrong with the reference (unknown id or version, removed, ...)
            }
            throw new IllegalArgumentException("MODEL '" + word + "' is neither a stored model (modelkit:models lists"
                    + " them) nor a file or folder");
        } finally {
            if (store != null) {
                context.ungetService(ref);
            }
        }
    }

    /** Whether the store knows the word's id (the reference may still be unresolvable: resolve says why). */
    private static boolean isStored(ModelStore store, String word) {
        String id = word.indexOf('@') < 0 ? word : word.substring(0, word.indexOf('@'));
        try {
            ModelHandle.checkId(id);
            store.versions(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Publishes a finished result folder's plain files to the store as a new version.
     *
     * @param context    the command's bundle context
     * @param id         the id to publish as (the value of {@code --publish})
     * @param parent     the version it was derived from, or null
     * @param creator    the method's name and bundle version
     * @param properties figures and settings to record
     * @param writer     writes the files
     * @return the version (a new one, or the existing one with identical files)
     * @throws IllegalArgumentException if no store is running or the store refuses
     * @throws IOException              if writing fails
     */
    public static StoredModel publish(BundleContext context, String id, ModelHandle parent, String creator,
            Map<String, String> properties, ModelWriter writer) throws IOException {
        ModelStore store = store(context);
        return store.publish(id, parent, creator, properties, writer);
    }

    /**
     * Checks a {@code --publish} id before any work.
     *
     * @param context the command's bundle context
     * @param id      the id
     * @throws IllegalArgumentException if no store is running or the id is malformed
     */
    public static void checkPublish(BundleContext context, String id) {
        store(context);
        try {
            ModelHandle.checkId(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot publish as '" + id + "': " + e.getMessage());
        }
    }

    private static ModelStore store(BundleContext context) {
        ServiceReference<ModelStore> ref = context.getServiceReference(ModelStore.class);
        ModelStore s = ref == null ? null : context.getService(ref);
        if (s == null) {
            throw new IllegalArgumentException("--publish needs the model store, and none is running (bundle org.modelkit.store)");
        }
        context.ungetService(ref); // the store is a singleton the framework keeps while its bundle is active
        return s;
    }

    /**
     * Copies a folder's plain files into a store's staging folder, optionally renaming some.
     *
     * @param from    the finished result folder
     * @param renames source name to stored name (for example teacher.params to parameters.params); names
     *                not in it keep their name; a name mapped to null is left out
     * @return the writer
     */
    public static ModelWriter copying(Path from, Map<String, String> renames) {
        return to -> {
            try (var s = Files.list(from)) {
                for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                    String n = f.getFileName().toString();
                    String target = renames.containsKey(n) ? renames.get(n) : n;
                    if (target != null) {
                        Files.copy(f, to.resolve(target));
                    }
                }
            }
        };
    }
}
