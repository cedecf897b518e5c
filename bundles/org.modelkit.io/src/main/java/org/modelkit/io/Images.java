package org.modelkit.io;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;

/**
 * Images and folders of frames: binary and ASCII PGM (8 and 16 bit, written here by hand because
 * the JDK has no PNM codec) and PNG/JPEG (through {@link ImageIO}). Values become floats in
 * {@code [0, 1]}; colour images keep 3 channels, grey ones 1 (an alpha channel is dropped).
 */
public final class Images {
    /** Largest width or height accepted, so a corrupt header cannot make us allocate gigabytes. */
    public static final int MAX_SIDE = 1 << 15;

    /**
     * Largest PNG or JPEG read, in pixels (16.7 million, e.g. 4096x4096): the JDK's decoders allocate the whole raster
     * from the header before they see the data, up to 8 bytes a pixel.
     */
    public static final long MAX_PIXELS = 1L << 24;

    private Images() {
    }

    /**
     * Reads an image.
     *
     * @param path a .pgm, .png, .jpg or .jpeg file
     * @return the frame, grey (1 channel) or RGB (3 channels)
     * @throws FormatException if the extension is unknown, the header is malformed, a size is out of
     *                         range, a sample exceeds the declared maximum, or the data is truncated
     * @throws IOException     if the file cannot be read
     */
    public static Frame read(Path path) throws IOException {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pgm")) {
            return readPgm(path);
        }
        if (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            try (InputStream in = Sources.open(path); ImageInputStream iis = ImageIO.createImageInputStream(in)) {
                Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
                if (readers == null || !readers.hasNext()) {
                    throw new FormatException(path, "is not a PNG or JPEG image");
                }
                ImageReader reader = readers.next();
                try {
                    reader.setInput(iis, true, true);
                    // the size from the header, before the decoder allocates a raster of that size
                    long w = reader.getWidth(0);
                    long h = reader.getHeight(0);
                    if (w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS) {
                        throw new FormatException(path, "declares " + w + "x" + h + " pixels; at most " + MAX_SIDE
                                + " a side and " + MAX_PIXELS + " in all are read");
                    }
                    return fromBufferedImage(reader.read(0));
                } finally {
                    reader.dispose();
                }
            } catch (FormatException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // the JDK's decoders answer some malformed streams with an EOFException without a message, or with
                // an unchecked exception from deep inside (found by fuzzing: ReadersFuzzTest)
                throw new FormatException(path, "cannot be decoded: " + describe(e));
            }
        }
        throw new FormatException(path, "unknown image type; expected .pgm, .png, .jpg or .jpeg");
    }

    /**
     * Converts a decoded image.
     *
     * @param img any image
     * @return a grey frame if the image has one colour band, else RGB
     */
    public static Frame fromBufferedImage(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        boolean grey = img.getColorModel().getNumColorComponents() == 1;
        if (grey) {
            var raster = img.getRaster();
            double max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            float[] px = new float[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    px[y * w + x] = (float) (raster.getSample(x, y, 0) / max);
                }
            }
            return new Frame(w, h, 1, px);
        }
        float[] px = new float[w * h * 3];
        if (img.getColorModel() instanceof java.awt.image.ComponentColorModel && img.getRaster().getNumBands() >= 3
                && img.getColorModel().getComponentSize(0) > 8) {
            // 16-bit colour (getRGB would round it to 8 bits)
            var raster = img.getRaster();
            double max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 3; c++) {
                        px[(y * w + x) * 3 + c] = (float) (raster.getSample(x, y, c) / max);
                    }
                }
            }
            return new Frame(w, h, 3, px);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int o = (y * w + x) * 3;
                px[o] = ((p >> 16) & 255) / 255f;
                px[o + 1] = ((p >> 8) & 255) / 255f;
                px[o + 2] = (p & 255) / 255f;
            }
        }
        return new Frame(w, h, 3, px);
    }

    /** @return an exception's message, or its type where it has none */
    static String describe(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static Frame readPgm(Path path) throws IOException {
        try (InputStream in = Sources.open(path)) {
            String magic = token(in, path);
            boolean binary;
            if (magic.equals("P5")) {
                binary = true;
            } else if (magic.equals("P2")) {
                binary = false;
            } else {
                throw new FormatException(path, "bad magic '" + Csv.abbreviate(magic) + "': a PGM starts with P5 or P2");
            }
            int w = headerInt(in, path, "width", 1, MAX_SIDE);
            int h = headerInt(in, path, "height", 1, MAX_SIDE);
            int max = headerInt(in, path, "maximum value", 1, 65535);
            // nothing of size w*h is allocated before the pixel data has been seen: a corrupt header fails cheaply
            float[] px;
            if (binary) {
                int bytesPer = max < 256 ? 1 : 2;
                if (!Sources.isGzip(path)) {
                    long need = (long) w * h * bytesPer;
                    if (Files.size(path) < need) {
                        throw new FormatException(path, "truncated: " + w + "x" + h + " pixels need " + need
                                + " bytes, the whole file has " + Files.size(path));
                    }
                }
                byte[] data = Sources.readExactly(in, (long) w * h * bytesPer, path, "the " + w + "x" + h + " pixels");
                px = new float[w * h];
                for (int i = 0; i < px.length; i++) {
                    int v = bytesPer == 1 ? data[i] & 255 : ((data[2 * i] & 255) << 8) | (data[2 * i + 1] & 255);
                    px[i] = sample(path, v, max, i, w);
                }
            } else {
                int n = w * h;
                px = new float[Math.min(n, 1 << 16)];
                for (int i = 0; i < n; i++) {
                    String t = token(in, path);
                    if (t.isEmpty()) {
                        throw new FormatException(path, "truncated: " + i + " of " + n + " pixels present");
                    }
                    int v;
                    try {
                        v = Integer.parseInt(t);
                    } catch (NumberFormatException e) {
                        throw new FormatException(path, "pixel " + i + " is '" + Csv.abbreviate(t) + "', not an integer");
                    }
                    if (i == px.length) {
                        px = java.util.Arrays.copyOf(px, (int) Math.min(n, 2L * px.length));
                    }
                    px[i] = sample(path, v, max, i, w);
                }
            }
            return new Frame(w, h, 1, px);
        }
    }

    private static float sample(Path path, int v, int max, int i, int w) throws FormatException {
        if (v < 0 || v > max) {
            throw new FormatException(path, "pixel (" + (i % w) + ", " + (i / w) + ") is " + v
                    + ", above the declared maximum " + max);
        }
        return (float) v / max;
    }

    private static int headerInt(InputStream in, Path path, String what, int lo, int hi) throws IOException {
        String t = token(in, path);
        long v;
        try {
            v = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new FormatException(path, "header " + what + " is '" + Csv.abbreviate(t) + "', not an integer");
        }
        if (v < lo || v > hi) {
            throw new FormatException(path, "header " + what + " " + v + " is outside [" + lo + ", " + hi + "]");
        }
        return (int) v;
    }

    /** Reads one whitespace-delimited header token, skipping '#' comments; consumes one trailing space. */
    private static String token(InputStream in, Path path) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '#' && sb.length() == 0) {
                while ((c = in.read()) >= 0 && c != '\n') {
                    // comment
                }
            } else if (Character.isWhitespace(c)) {
                if (sb.length() > 0) {
                    return sb.toString();
                }
            } else {
                sb.append((char) c);
                if (sb.length() > 32) {
                    throw new FormatException(path, "header token longer than 32 characters");
                }
            }
        }
        return sb.toString();
    }

    /**
     * Writes a frame atomically as PNG or binary PGM (by the file's extension; PGM takes grey frames only).
     *
     * @param path  a .png or .pgm file
     * @param frame the image
     * @throws IllegalArgumentException if the extension is unknown or a colour frame goes to PGM
     * @throws IOException              if writing fails; the file is then as it was
     */
    public static void write(Path path, Frame frame) throws IOException {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        int w = frame.width();
        int h = frame.height();
        float[] px = frame.toArray();
        if (name.endsWith(".pgm")) {
            if (frame.channels() != 1) {
                throw new IllegalArgumentException("PGM holds grey images; " + frame + " has 3 channels");
            }
            ByteArrayOutputStream b = new ByteArrayOutputStream(w * h + 32);
            b.writeBytes(("P5\n" + w + " " + h + "\n255\n").getBytes(StandardCharsets.US_ASCII));
            for (float v : px) {
                b.write(Math.round(v * 255f));
            }
            AtomicFiles.write(path, out -> b.writeTo(out));
            return;
        }
        if (!name.endsWith(".png")) {
            throw new IllegalArgumentException("cannot write '" + path.getFileName() + "': use .png or .pgm");
        }
        BufferedImage img = new BufferedImage(w, h, frame.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (frame.channels() == 1) {
                    img.getRaster().setSample(x, y, 0, Math.round(px[y * w + x] * 255f));
                } else {
                    int o = (y * w + x) * 3;
                    img.setRGB(x, y, Math.round(px[o] * 255f) << 16 | Math.round(px[o + 1] * 255f) << 8
                            | Math.round(px[o + 2] * 255f));
                }
            }
        }
        writePng(path, img);
    }

    /**
     * Writes a frame atomically as a 16-bit grey or RGB PNG: a value v becomes round(v·65535), so a
     * perturbation of 0.002 (half an 8-bit grey level) survives the round trip to within 1/65535.
     *
     * @param path  the file (.png)
     * @param frame the image
     * @throws IllegalArgumentException if the extension is not .png
     * @throws IOException              if writing fails; the file is then as it was
     */
    public static void write16(Path path, Frame frame) throws IOException {
        if (!path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("cannot write '" + path.getFileName() + "' as 16 bits: use .png");
        }
        int w = frame.width();
        int h = frame.height();
        int c = frame.channels();
        float[] px = frame.toArray();
        java.awt.color.ColorSpace space = java.awt.color.ColorSpace.getInstance(c == 1 ? java.awt.color.ColorSpace.CS_GRAY
                : java.awt.color.ColorSpace.CS_sRGB);
        var model = new java.awt.image.ComponentColorModel(space, false, false, java.awt.Transparency.OPAQUE,
                java.awt.image.DataBuffer.TYPE_USHORT);
        var raster = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_USHORT, w, h, c, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int k = 0; k < c; k++) {
                    raster.setSample(x, y, k, Math.round(px[(y * w + x) * c + k] * 65535f));
                }
            }
        }
        writePng(path, new BufferedImage(model, raster, false, null));
    }

    /**
     * Writes any image atomically as PNG (for plots and masks rendered by callers).
     *
     * @param path  the file
     * @param image the image
     * @throws IOException if encoding or writing fails; the file is then as it was
     */
    public static void writePng(Path path, BufferedImage image) throws IOException {
        AtomicFiles.write(path, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer available in this JRE");
            }
        });
    }

    /**
     * Writes a mask atomically as a black-and-white PNG (white = inside).
     *
     * @param path a .png file
     * @param mask the mask
     * @throws IOException if writing fails; the file is then as it was
     */
    public static void writeMask(Path path, Mask mask) throws IOException {
        boolean[] in = mask.toArray();
        float[] px = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            px[i] = in[i] ? 1f : 0f;
        }
        write(path, new Frame(mask.width(), mask.height(), 1, px));
    }

    /**
     * Reads a folder of frames: every .pgm, .png, .jpg and .jpeg file directly in it, in file-name
     * order (so f_2 sorts after f_10 unless names are zero-padded).
     *
     * @param dir the folder
     * @return the frames, all of the same size and channel count
     * @throws FormatException if the folder holds no image, a file is malformed, or the frames differ
     *                         in size or channels (naming both files)
     * @throws IOException     if the folder cannot be listed or a file read
     */
    public static List<Frame> readFrames(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new FormatException(dir, "is not a folder of frames");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT)
                    .matches(".*\\.(pgm|png|jpe?g)")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new FormatException(dir, "holds no .pgm, .png or .jpg frames");
        }
        List<Frame> frames = new ArrayList<>(files.size());
        for (Path f : files) {
            Frame fr = read(f);
            if (!frames.isEmpty() && !fr.sameSize(frames.get(0))) {
                throw new FormatException(f, "is " + fr.width() + "x" + fr.height() + "x" + fr.channels() + " but "
                        + files.get(0).getFileName() + " is " + frames.get(0).width() + "x" + frames.get(0).height() + "x"
                        + frames.get(0).channels() + "; all frames must match");
            }
            frames.add(fr);
        }
        return frames;
    }
}
