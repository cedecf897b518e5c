package org.modelkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modelkit.io.TestFiles.assertMalformed;
import static org.modelkit.io.TestFiles.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;

class ImagesTest {
    @TempDir
    Path tmp;

    @Test
    void pgmEqualsTheLuminanceOfThePng() throws IOException {
        Frame rgb = Images.read(data("stereo/motorcycle-left-quarter.png"));
        Frame grey = Images.read(data("stereo/motorcycle-left-quarter.pgm"));
        assertEquals(3, rgb.channels());
        assertEquals(1, grey.channels());
        assertEquals(186, grey.width());
        assertEquals(125, grey.height());
        Frame luma = rgb.toGrey();
        float worst = 0;
        for (int y = 0; y < 125; y++) {
            for (int x = 0; x < 186; x++) {
                worst = Math.max(worst, Math.abs(luma.get(x, y, 0) - grey.get(x, y, 0)));
            }
        }
        assertTrue(worst <= 0.5f / 255 + 1e-6f, "max |luma - pgm| = " + worst);
    }

    @Test
    void readsAFolderOfVideoFrames() throws IOException {
        List<Frame> frames = Images.readFrames(data("frames/vtest"));
        assertEquals(8, frames.size());
        assertEquals(96, frames.get(0).width());
        assertEquals(72, frames.get(0).height());
        // pedestrians move: consecutive frames differ, but the static background keeps them close
        double diff = 0;
        float[] a = frames.get(0).toArray();
        float[] b = frames.get(1).toArray();
        for (int i = 0; i < a.length; i++) {
            diff += Math.abs(a[i] - b[i]);
        }
        diff /= a.length;
        assertTrue(diff > 1e-3 && diff < 0.1, "mean frame difference " + diff);
    }

    @Test
    void writesAndReadsBack() throws IOException {
        Frame rgb = Images.read(data("stereo/motorcycle-right-quarter.png"));
        Images.write(tmp.resolve("r.png"), rgb);
        assertEquals(rgb, Images.read(tmp.resolve("r.png")));
        Frame grey = Images.read(data("frames/vtest/f_001.pgm"));
        Images.write(tmp.resolve("g.pgm"), grey);
        assertEquals(grey, Images.read(tmp.resolve("g.pgm")));
        Images.write(tmp.resolve("g.png"), grey);
        assertEquals(grey, Images.read(tmp.resolve("g.png")));
        Mask m = new Mask(2, 2, new boolean[] {true, false, false, true});
        Images.writeMask(tmp.resolve("m.png"), m);
        assertEquals(1f, Images.read(tmp.resolve("m.png")).get(1, 1, 0));
    }

    private Path file(String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(h, h.length + dataBytes);
        Path p = tmp.resolve(name);
        Files.write(p, all);
        return p;
    }

    @Test
    void rejectsMalformedImages() throws IOException {
        Path magic = file("magic.pgm", "P6\n2 2\n255\n", 12);
        assertMalformed(magic, "bad magic 'P6': a PGM starts with P5 or P2", () -> Images.read(magic));
        Path zero = file("zero.pgm", "P5\n0 2\n255\n", 0);
        assertMalformed(zero, "header width 0 is outside [1, 32768]", () -> Images.read(zero));
        Path huge = file("huge.pgm", "P5\n32768 32768\n255\n", 10);
        assertMalformed(huge, "truncated: 32768x32768 pixels need 1073741824 bytes", () -> Images.read(huge));
        Path hugeAscii = file("huge-ascii.pgm", "P2\n32768 32768\n255\n1 2 3\n", 0);
        assertMalformed(hugeAscii, "truncated: 3 of 1073741824 pixels present", () -> Images.read(hugeAscii));
        Path hugeSide = file("side.pgm", "P5\n99999999 2\n255\n", 0);
        assertMalformed(hugeSide, "header width 99999999 is outside", () -> Images.read(hugeSide));
        Path notNumber = file("nan.pgm", "P5\nwide 2\n255\n", 0);
        assertMalformed(notNumber, "header width is 'wide', not an integer", () -> Images.read(notNumber));
        Path above = file("above.pgm", "P2\n2 1\n10\n5 11\n", 0);
        assertMalformed(above, "pixel (1, 0) is 11, above the declared maximum 10", () -> Images.read(above));
        Path shortAscii = file("short.pgm", "P2\n2 2\n10\n5 1\n", 0);
        assertMalformed(shortAscii, "truncated: 2 of 4 pixels present", () -> Images.read(shortAscii));
        Path fakePng = file("fake.png", "this is text", 0);
        assertMalformed(fakePng, "is not a PNG or JPEG image", () -> Images.read(fakePng));
        Path tiff = file("x.tiff", "II*", 0);
        assertMalformed(tiff, "unknown image type", () -> Images.read(tiff));
    }

    @Test
    void rejectsInconsistentFrameFolders() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("frames"));
        assertMalformed(dir, "holds no .pgm, .png or .jpg frames", () -> Images.readFrames(dir));
        Images.write(dir.resolve("a.pgm"), new Frame(2, 2, 1, new float[4]));
        Images.write(dir.resolve("b.pgm"), new Frame(3, 2, 1, new float[6]));
        assertMalformed(dir.resolve("b.pgm"), "is 3x2x1 but a.pgm is 2x2x1; all frames must match",
                () -> Images.readFrames(dir));
    }

    @Test
    void sixteenBitPngKeepsAPerturbationThatEightBitsRoundAway() throws IOException {
        Frame rgb = Images.read(data("stereo/motorcycle-left-quarter.png"));
        float[] px = rgb.toArray();
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < px.length; i++) {
            px[i] = Math.min(1, Math.max(0, px[i] + (r.nextBoolean() ? 0.002f : -0.002f)));
        }
        for (Frame f : List.of(new Frame(rgb.width(), rgb.height(), 3, px), new Frame(rgb.width(), rgb.height(), 3, px).toGrey())) {
            Path p16 = tmp.resolve("f" + f.channels() + "-16.png");
            Path p8 = tmp.resolve("f" + f.channels() + "-8.png");
            Images.write16(p16, f);
            Images.write(p8, f);
            Frame back16 = Images.read(p16);
            Frame back8 = Images.read(p8);
            assertEquals(f.channels(), back16.channels());
            float[] a = f.toArray();
            float[] b16 = back16.toArray();
            float[] b8 = back8.toArray();
            double worst16 = 0;
            double worst8 = 0;
            for (int i = 0; i < a.length; i++) {
                worst16 = Math.max(worst16, Math.abs(a[i] - b16[i]));
                worst8 = Math.max(worst8, Math.abs(a[i] - b8[i]));
            }
            assertTrue(worst16 <= 0.5 / 65535 + 1e-7, "16-bit round trip error " + worst16);
            assertTrue(worst8 > 0.0015, "8 bits should lose most of a 0.002 step, error " + worst8);
        }
    }
}
