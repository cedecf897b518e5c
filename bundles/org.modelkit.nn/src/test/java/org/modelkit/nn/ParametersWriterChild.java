package org.modelkit.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import org.modelkit.testkit.crash.KillHarness;

/**
 * The child JVM of {@link ParametersCrashTest}: {@code ParametersWriterChild FILE FIRST} saves version after version
 * of a two-layer network's parameters with {@link Parameters#save} (DJL's format, PyTorch engine), from FIRST on,
 * until killed, after one save to a scratch folder beside FILE's (FOLDER-warm-up). Version K: every value a function of K and its place, the first one K itself.
 */
public final class ParametersWriterChild {
    private ParametersWriterChild() {
    }

    /** @return the network, initialised: 32 -> 256 -> 10, about 11,000 values (45 KB) */
    static Block network(NDManager m) {
        Block b = new SequentialBlock().add(Linear.builder().setUnits(256).build())
                .add(Linear.builder().setUnits(10).build());
        b.initialize(m, DataType.FLOAT32, new Shape(1, 32));
        return b;
    }

    /** Sets every parameter to version K. */
    static void setVersion(Block b, long k) {
        long place = 0;
        for (Pair<String, Parameter> p : b.getParameters()) {
            float[] v = new float[(int) p.getValue().getArray().size()];
            for (int i = 0; i < v.length; i++, place++) {
                v[i] = place == 0 ? k : (float) ((k * 7 + place * 13) % 1000);
            }
            p.getValue().getArray().set(v);
        }
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        long k = Long.parseLong(args[1]);
        try (NDManager m = NDManager.newBaseManager()) {
            Block b = network(m);
            setVersion(b, k);
            // one unannounced save to a scratch folder first: a cold save spends its first milliseconds loading
            // classes, and kills aimed at it landed before its temporary file existed
            Path scratch = java.nio.file.Files.createDirectories(
                    file.getParent().resolveSibling(file.getParent().getFileName() + "-warm-up"));
            Parameters.save(b, scratch.resolve(file.getFileName()));
            KillHarness.announce("params", k, () -> Parameters.save(b, file));
            System.out.println("READY");
            System.out.flush();
            for (long v = k + 1;; v++) {
                long version = v;
                setVersion(b, version);
                KillHarness.announce("params", version, () -> Parameters.save(b, file));
            }
        }
    }
}
