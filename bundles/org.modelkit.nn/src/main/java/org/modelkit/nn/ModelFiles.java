package org.modelkit.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.modelkit.io.FormatException;
import org.modelkit.io.Json;

/**
 * A model directory: {@code model.json} (a {@link ModelSpec}) and {@code parameters.params} (DJL's
 * parameter format), each written atomically.
 */
public final class ModelFiles {
    /** The description file. */
    public static final String SPEC = "model.json";
    /** The parameter file. */
    public static final String PARAMETERS = "parameters.params";

    private ModelFiles() {
    }

    /** A network read from a model directory. */
    public record Loaded(ModelSpec spec, Block block) {
    }

    /**
     * @param dir   the directory (created if missing)
     * @param spec  what the block is
     * @param block the initialised block
     * @throws IOException if writing fails; files already there are then as they were
     */
    public static void save(Path dir, ModelSpec spec, Block block) throws IOException {
        Files.createDirectories(dir);
        Parameters.save(block, dir.resolve(PARAMETERS));
        Json.write(dir.resolve(SPEC), spec);
    }

    /**
     * @param dir     a directory written by {@link #save}
     * @param manager where the parameters live
     * @return the spec and the block, initialised with the saved parameters
     * @throws FormatException if a file is missing, malformed, or the parameters do not fit the spec
     * @throws IOException     if a file cannot be read
     */
    public static Loaded load(Path dir, NDManager manager) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new FormatException(dir, "is not a model directory (model.json and parameters.params)");
        }
        if (!Files.exists(dir.resolve(SPEC)) || !Files.exists(dir.resolve(PARAMETERS))) {
            throw new FormatException(dir, "lacks " + SPEC + " or " + PARAMETERS);
        }
        ModelSpec spec = spec(dir.resolve(SPEC));
        Block block = spec.build();
        block.initialize(manager, DataType.FLOAT32, spec.batchShape(1));
        Parameters.load(block, manager, dir.resolve(PARAMETERS));
        return new Loaded(spec, block);
    }

    /**
     * Reads a model.json (ModelSpecFuzzTest fuzzes it).
     *
     * @throws FormatException naming the file if it is not valid JSON or not a valid description
     */
    static ModelSpec spec(Path file) throws IOException {
        try {
            ModelSpec read = Json.read(file, ModelSpec.class);
            ModelSpec spec = new ModelSpec(read.architecture(), read.classes(), read.nonlinearity(), read.batchNorm(),
                    read.hidden(), read.input());
            spec.build(); // what the constructor does not check (a hidden width of -128: fuzzing found it) fails here
            return spec;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new FormatException(file, "is not a model description: " + e.getMessage());
        }
    }
}
