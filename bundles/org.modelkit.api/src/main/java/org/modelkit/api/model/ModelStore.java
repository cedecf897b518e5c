package org.modelkit.api.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Versioned models on disk: {@code <root>/<id>/<n>/} holds one version's files and its
 * {@code meta.json}, immutable once published, and {@code <root>/<id>/state.json} says which version
 * is current and which are removed or purged. Versions are whole numbers 1, 2, ... allocated by the
 * store; a reference {@code id} alone means the id's current version, {@code id@n} one version.
 *
 * <p>Every change is atomic: a publication is built in a staging folder and renamed into place, the
 * state file is replaced as a whole under a lock that holds across threads and processes, and a
 * version's files are verified against their SHA-256 when it is opened. Errors name the input and
 * leave the store as it was.
 */
@ProviderType
public interface ModelStore {
    /** Service property and metadata value of an imported version's creator. */
    String IMPORT = "import";

    /** @return the store's root folder */
    Path root();

    /**
     * @param reference {@code id} (its current version) or {@code id@n}
     * @return the handle of an available version
     * @throws IllegalArgumentException naming the reference if it is malformed, or the id or version is
     *                                  unknown, removed or purged
     */
    ModelHandle resolve(String reference);

    /**
     * @param handle an available version
     * @return its metadata, after every file was checked against its SHA-256 (unless configured not to)
     *         and its metadata against any pinned digest; {@link StoredModel#directory()} is then read-only
     * @throws ModelIntegrityException  naming the file and both digests if a file is not as published
     * @throws IllegalArgumentException if the version is unknown, removed or purged
     */
    StoredModel open(ModelHandle handle);

    /**
     * @param reference {@code id}, {@code id@n}, in any state (removed and purged too)
     * @return the version's metadata, without verifying its files
     * @throws IllegalArgumentException naming the reference if it is malformed or unknown
     */
    StoredModel describe(String reference);

    /**
     * Publishes a new version of an id.
     *
     * @param id         the model's id (1-128 letters, digits, '.', '_', '-', starting with a letter or digit)
     * @param parent     the version it was derived from, or null
     * @param creator    the method's name and bundle version, for example "lqf 0.1.0"
     * @param properties free properties to record (figures, settings); may be empty
     * @param writer     writes the files into the staging folder
     * @return the new version, or the existing one whose files are identical (every digest)
     * @throws IllegalArgumentException naming the input if the id is invalid, the parent is not
     *                                  available, or the files hold no model (model.onnx, model.pt or
     *                                  parameters.params) or a model file fails its content check
     * @throws IOException              if the writer or the file system fails; nothing is then published
     */
    StoredModel publish(String id, ModelHandle parent, String creator, Map<String, String> properties,
            ModelWriter writer) throws IOException;

    /**
     * Imports a model folder ({@code model.json} + {@code parameters.params}, {@code model.onnx},
     * {@code model.pt}) or a single {@code .onnx} or {@code .pt} file.
     *
     * @param source the folder or file
     * @param id     the id to import it as, or null for the folder's or file's name
     * @return the new version, or the existing one with identical files
     * @throws IllegalArgumentException naming the source if it holds no model or a file fails its check
     * @throws IOException              if reading or writing fails; nothing is then published
     */
    StoredModel importModel(Path source, String id) throws IOException;

    /** @return every version of every id, by id and version */
    List<StoredModel> list();

    /**
     * @param id a model's id
     * @return its versions, oldest first
     * @throws IllegalArgumentException if the id is malformed or unknown
     */
    List<StoredModel> versions(String id);

    /**
     * Makes an available version its id's current one, after every {@link PromotionGate} accepts.
     *
     * @param handle the version
     * @return it, now current
     * @throws IllegalStateException    naming the gate and its reason if one refuses (the pointer stays)
     * @throws IllegalArgumentException if the version is unknown, removed or purged
     */
    StoredModel promote(ModelHandle handle);

    /**
     * Retires a version: it is no longer resolvable; its files are kept.
     *
     * @param handle an available version that is not current
     * @return it, now removed
     * @throws IllegalStateException if it is the current version (promote another first)
     */
    StoredModel remove(ModelHandle handle);

    /**
     * @param handle a removed version
     * @return it, available again
     * @throws IllegalStateException if it is not removed
     */
    StoredModel restore(ModelHandle handle);

    /**
     * Deletes a removed version's files; its metadata stays as a tombstone (digests, purge time).
     *
     * @param handle a removed version
     * @return it, now purged
     * @throws IllegalStateException if it is not removed
     */
    StoredModel purge(ModelHandle handle) throws IOException;
}
