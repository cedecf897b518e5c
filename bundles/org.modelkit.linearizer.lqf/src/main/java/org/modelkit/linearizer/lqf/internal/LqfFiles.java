package org.modelkit.linearizer.lqf.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.modelkit.io.AtomicFiles;
import org.modelkit.io.FormatException;
import org.modelkit.io.Json;
import org.modelkit.io.ResultFolders;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;

/**
 * A fine-tuned model folder: the w0 network ({@code model.json}, {@code parameters.params}), the step
 * {@code delta.params} (DJL's NDList encoding) and {@code lqf.json}, built beside the target and
 * published as a whole with a manifest of digests, so a folder never mixes two runs.
 */
final class LqfFiles {
    static final String DELTA = "delta.params";
    static final String LQF = "lqf.json";

    /** What lqf.json holds. */
    record LqfFile(List<String> linearized, double alpha, double weightDecay, String solver, int steps, double[] loss) {
    }

    /** A folder read back: w0, what lqf.json says, and the step. */
    record Read(ModelFiles.Loaded w0, LqfFile info, NDList delta) {
    }

    private LqfFiles() {
    }

    /**
     * @param dir   the folder to publish
     * @param spec  the w0 network's description
     * @param net   the w0 network
     * @param delta the fitted step
     * @param info  what lqf.json records
     */
    static void save(Path dir, ModelSpec spec, Block net, NDList delta, LqfFile info) throws IOException {
        ResultFolders.write(dir, staged -> {
            AtomicFiles.write(staged.resolve(DELTA), out -> delta.encode(out));
            Json.write(staged.resolve(LQF), info);
            ModelFiles.save(staged, spec, net);
        });
    }

    /**
     * @param dir a folder written by {@link #save}
     * @param m   where the arrays live
     * @return its contents, after the manifest was verified
     * @throws FormatException naming the file, if the folder is not a fine-tuned model or its files do not
     *                         belong together
     */
    static Read read(Path dir, NDManager m) throws IOException {
        ResultFolders.recover(dir); // a publication killed between its two renames leaves the folder aside
        if (!Files.exists(dir.resolve(LQF)) || !Files.exists(dir.resolve(DELTA))) {
            throw new FormatException(dir.toString(), "is not a model written by modelkit:finetune (no " + LQF + " or "
                    + DELTA + ")");
        }
        ResultFolders.verify(dir); // refuses a folder whose files do not belong together, naming the file
        ModelFiles.Loaded w0 = ModelFiles.load(dir, m);
        LqfFile info = Json.read(dir.resolve(LQF), LqfFile.class);
        try (InputStream in = Files.newInputStream(dir.resolve(DELTA))) {
            return new Read(w0, info, NDList.decode(m, in));
        }
    }

    /** Why a step does not fit the linearized parameters, or null if it does. */
    static String mismatch(NDList delta, NDList w0) {
        if (delta.size() != w0.size()) {
            return "holds " + delta.size() + " arrays, the model " + w0.size() + " linearized parameters";
        }
        for (int i = 0; i < w0.size(); i++) {
            if (!delta.get(i).getShape().equals(w0.get(i).getShape())) {
                return "[" + i + "] has shape " + delta.get(i).getShape() + ", the parameter " + w0.get(i).getShape();
            }
        }
        return null;
    }
}
