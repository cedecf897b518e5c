package org.modelkit.api.model;

import java.io.IOException;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Writes the files of a new model version into an empty folder the store gives it; the store then
 * hashes, syncs and publishes them as a whole. A writer that throws leaves no version behind.
 */
@ConsumerType
@FunctionalInterface
public interface ModelWriter {
    /**
     * @param folder an empty staging folder on the store's file system; write plain files into it
     *               (model.json, parameters.params, model.onnx, model.pt and any others), no sub-folders
     * @throws IOException if writing fails: nothing is published and the folder is deleted
     */
    void write(Path folder) throws IOException;
}
