package org.modelkit.nn;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.modelkit.io.AtomicFiles;
import org.modelkit.io.FormatException;

/** A block's parameters in DJL's format, written atomically and read back with a clear error. */
public final class Parameters {
    private Parameters() {
    }

    /**
     * @param block an initialised block
     * @param file  the file to write (temporary file, then rename)
     * @throws IOException if writing fails; the file is then as it was
     */
    public static void save(Block block, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            DataOutputStream d = new DataOutputStream(out);
            block.saveParameters(d);
            d.flush();
        });
    }

    /**
     * @param block   a block of the same structure, initialised
     * @param manager where the parameters live
     * @param file    a file written by {@link #save}
     * @throws FormatException if the file does not hold parameters of this block's structure
     * @throws IOException     if the file cannot be read
     */
    public static void load(Block block, NDManager manager, Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException | IllegalArgumentException e) {
            throw new FormatException(file, "does not hold parameters of this network: " + e.getMessage());
        } catch (java.io.EOFException e) {
            // DJL's reader ends with a bare EOFException (no message) on a file cut short: name the file
            throw new FormatException(file, "is truncated: it ends before the network's last parameter ("
                    + Files.size(file) + " bytes)");
        }
    }
}
