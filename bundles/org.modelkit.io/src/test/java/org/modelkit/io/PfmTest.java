package org.modelkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modelkit.io.TestFiles.assertMalformed;
import static org.modelkit.io.TestFiles.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.Disparity;
import org.modelkit.api.data.Frame;

class PfmTest {
    @TempDir
    Path tmp;

    @Test
    void motorcycleGroundTruthWarpsRightOntoLeft() throws IOException {
        Disparity d = Pfm.read(data("stereo/motorcycle-disp-quarter.pfm"));
        assertEquals(186, d.width());
        assertEquals(125, d.height());
        assertTrue(d.validFraction() > 0.85 && d.validFraction() < 0.97, "valid fraction " + d.validFraction());
        // the ground truth is right if sampling right(x - d) reproduces left(x) much better than wrong scales do
        Frame left = Images.read(data("stereo/motorcycle-left-quarter.png")).toGrey();
        Frame right = Images.read(data("stereo/motorcycle-right-quarter.png")).toGrey();
        double atTruth = warpError(left, right, d, 1.0);
        assertTrue(atTruth < 0.5 * warpError(left, right, d, 0.5), "error " + atTruth);
        assertTrue(atTruth < 0.5 * warpError(left, right, d, 2.0), "error " + atTruth);
    }

    private static double warpError(Frame left, Frame right, Disparity d, double scale) {
        double sum = 0;
        int n = 0;
        for (int y = 0; y < d.height(); y++) {
            for (int x = 0; x < d.width(); x++) {
                if (!d.isValid(x, y)) {
                    continue;
                }
                double xr = x - scale * d.get(x, y);
                int x0 = (int) Math.floor(xr);
                if (x0 < 0 || x0 + 1 >= right.width()) {
                    continue;
                }
                double t = xr - x0;
                double v = (1 - t) * right.get(x0, y, 0) + t * right.get(x0 + 1, y, 0);
                sum += Math.abs(v - left.get(x, y, 0));
                n++;
            }
        }
        return sum / n;
    }

    @Test
    void writesAndReadsBack() throws IOException {
        Disparity d = Pfm.read(data("stereo/motorcycle-disp-quarter.pfm"));
        Pfm.write(tmp.resolve("d.pfm"), d);
        assertEquals(d, Pfm.read(tmp.resolve("d.pfm")));
    }

    private Path file(String name, String header, float... values) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(h.length + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(h);
        for (float v : values) {
            b.putFloat(v);
        }
        Path p = tmp.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    @Test
    void rejectsMalformedMaps() throws IOException {
        Path colour = file("colour.pfm", "PF\n1 1\n-1\n", 1, 2, 3);
        assertMalformed(colour, "is a 3-channel PFM", () -> Pfm.read(colour));
        Path magic = file("magic.pfm", "P5\n1 1\n-1\n", 1);
        assertMalformed(magic, "bad magic 'P5'", () -> Pfm.read(magic));
        Path truncated = file("truncated.pfm", "Pf\n4 4\n-1\n", 1, 2);
        assertMalformed(truncated, "truncated: 4x4 floats need 64 bytes", () -> Pfm.read(truncated));
        Path negative = file("negative.pfm", "Pf\n2 1\n-1\n", 1, -3);
        assertMalformed(negative, "pixel (1, 0) has negative disparity -3.0", () -> Pfm.read(negative));
        Path scale = file("scale.pfm", "Pf\n1 1\n0\n", 1);
        assertMalformed(scale, "scale must be a non-zero number", () -> Pfm.read(scale));
        Path size = file("size.pfm", "Pf\n1\n-1\n", 1);
        assertMalformed(size, "second line must be 'width height'", () -> Pfm.read(size));
        Path noHeader = file("empty.pfm", "");
        assertMalformed(noHeader, "truncated header", () -> Pfm.read(noHeader));
        Path binary = file("binary.pfm", "x".repeat(100));
        assertMalformed(binary, "header line longer than 64 characters", () -> Pfm.read(binary));
    }
}
