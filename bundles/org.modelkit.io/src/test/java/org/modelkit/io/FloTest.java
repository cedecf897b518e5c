package org.modelkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modelkit.io.TestFiles.assertMalformed;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.Flow;

class FloTest {
    @TempDir
    Path tmp;

    static Flow sample() {
        float[] u = {1.5f, -2f, 0f, Float.NaN, 3.25f, 0.5f};
        float[] v = {0f, 4f, -1f, Float.NaN, 0.125f, -0.5f};
        return new Flow(3, 2, u, v);
    }

    @Test
    void roundTripsAndKeepsUnknownPixels() throws IOException {
        Path f = tmp.resolve("a.flo");
        Flo.write(f, sample());
        assertEquals(12 + 8 * 6, Files.size(f));
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("PIEH", new String(Files.readAllBytes(f), 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(3, b.getInt(4));
        assertEquals(2, b.getInt(8));
        assertEquals(-2f, b.getFloat(12 + 8), "u of pixel (1, 0), interleaved with v, row by row");
        Flow back = Flo.read(f);
        assertArrayEquals(sample().u(), back.u());
        assertArrayEquals(sample().v(), back.v());
        assertFalse(back.known(0, 1));
        assertTrue(back.known(1, 1));
    }

    @Test
    void malformedFilesAreRefusedWithTheirProblem() throws IOException {
        Path f = tmp.resolve("good.flo");
        Flo.write(f, sample());
        byte[] good = Files.readAllBytes(f);
        Path bad = tmp.resolve("bad.flo");
        byte[] magic = good.clone();
        magic[0] = 'X';
        Files.write(bad, magic);
        assertMalformed(bad, "bad magic", () -> Flo.read(bad));
        Files.write(bad, java.util.Arrays.copyOf(good, good.length - 4));
        assertMalformed(bad, "takes 60 bytes, the file has 56", () -> Flo.read(bad));
        Files.write(bad, java.util.Arrays.copyOf(good, good.length + 1));
        assertMalformed(bad, "the file has 61", () -> Flo.read(bad));
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(4, -3);
        Files.write(bad, huge);
        assertMalformed(bad, "size -3x2", () -> Flo.read(bad));
        byte[] nan = good.clone();
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(12, Float.NaN);
        Files.write(bad, nan);
        assertMalformed(bad, "pixel (0, 0)", () -> Flo.read(bad));
        Files.write(bad, new byte[5]);
        assertMalformed(bad, "header", () -> Flo.read(bad));
    }

    @Test
    void picturesColourTheDirectionLikeTheBenchmarks() {
        // Middlebury: rightward flow is red, leftward cyan, downward (positive v) yellow-green... here checked by hue
        Flow f = new Flow(4, 1, new float[] {2, -2, 0, 0.2f}, new float[] {0, 0, 2, 0});
        BufferedImage p = Flo.picture(f, 0);
        int right = p.getRGB(0, 0) & 0xffffff;
        int left = p.getRGB(1, 0) & 0xffffff;
        int shortRight = p.getRGB(3, 0) & 0xffffff;
        assertTrue((right >> 16 & 255) == 255 && (right >> 8 & 255) < 40, "rightward is red: " + Integer.toHexString(right));
        assertTrue((left >> 16 & 255) == 0 && (left & 255) == 255, "leftward is cyan-blue: " + Integer.toHexString(left));
        assertTrue((shortRight >> 8 & 255) > 200, "a short vector is pale: " + Integer.toHexString(shortRight));
        assertEquals(55, Flo.wheel().length);
    }
}
