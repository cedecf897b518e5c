package org.modelkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.io.FormatException;

/** Raw little-endian float32 weights: a round trip, the byte layout, and files that do not fit refused. */
class RawWeightsTest {
    @Test
    void roundTripAndLayout(@TempDir Path tmp) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1.5f, -2f, 3f, 0.25f}, new Shape(2, 2));
            NDArray b = m.create(new float[] {7f, 8f, 9f});
            Path f = tmp.resolve("weights.bin");
            RawWeights.write(f, List.of(a, b));
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(28, bytes.capacity());
            assertEquals(1.5f, bytes.getFloat(0));
            assertEquals(7f, bytes.getFloat(16), "the second array follows the first");
            NDArray a2 = m.zeros(new Shape(2, 2));
            NDArray b2 = m.zeros(new Shape(3));
            RawWeights.read(f, List.of(a2, b2), "the test net");
            assertArrayEquals(a.toFloatArray(), a2.toFloatArray());
            assertArrayEquals(b.toFloatArray(), b2.toFloatArray());
            String msg = assertThrows(FormatException.class, () -> RawWeights.read(f, List.of(m.zeros(new Shape(2))),
                    "the test net")).getMessage();
            assertTrue(msg.contains("holds 28 bytes; the test net needs 8"), msg);
            Files.write(f, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(Float.NaN).array());
            msg = assertThrows(FormatException.class, () -> RawWeights.read(f, List.of(m.zeros(new Shape(2))), "x"))
                    .getMessage();
            assertTrue(msg.contains("holds a weight NaN"), msg);
        }
    }
}
