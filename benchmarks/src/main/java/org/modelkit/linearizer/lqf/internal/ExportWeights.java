package org.modelkit.linearizer.lqf.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.modelkit.nn.ModelFiles;

/**
 * Writes every learnable parameter of a model directory as a float32 .npy file (numpy's format,
 * little-endian), named by its DJL name, so scripts/make-model-exports can build the same network in
 * ONNX and TorchScript. Usage: ExportWeights MODEL_DIR OUT_DIR.
 */
public final class ExportWeights {
    private ExportWeights() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        try (NDManager m = NDManager.newBaseManager()) {
            for (Pair<String, Parameter> p : ModelFiles.load(dir, m).block().getParameters()) {
                if (!p.getValue().requiresGradient()) {
                    continue;
                }
                NDArray a = p.getValue().getArray().toType(DataType.FLOAT32, false);
                long[] shape = a.getShape().getShape();
                String dims = Arrays.toString(shape).replace('[', '(').replace(']', shape.length == 1 ? ',' : ' ').trim();
                if (!dims.endsWith(")")) {
                    dims = dims.endsWith(",") ? dims + ")" : dims + ")";
                }
                String header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + dims + ", }";
                int total = 10 + header.length() + 1;
                int pad = (64 - total % 64) % 64;
                header = header + " ".repeat(pad) + "\n";
                try (OutputStream os = Files.newOutputStream(out.resolve(p.getKey() + ".npy"));
                        DataOutputStream d = new DataOutputStream(os)) {
                    d.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
                    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
                    d.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) h.length).array());
                    d.write(h);
                    float[] v = a.toFloatArray();
                    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(v);
                    d.write(b.array());
                }
                System.out.println(p.getKey() + " " + Arrays.toString(shape));
            }
        }
    }
}
