package org.modelkit.io;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Opening inputs: gzip is recognised by its magic bytes, whatever the file is called. */
final class Sources {
    private Sources() {
    }

    /**
     * The largest class label a file may hold (65,535): a set's classes are numbered 0 to the largest label, so one
     * corrupt label of 2^31 - 1 would otherwise name two billion classes (fuzzing found it).
     */
    static final int MAX_LABEL = 65_535;

    /** Opens a file, transparently un-gzipping it; missing files get a clear message. */
    static InputStream open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        if (Files.isDirectory(path)) {
            throw new FormatException(path, "is a directory, expected a file");
        }
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new BufferedInputStream(new GzipChecked(new GZIPInputStream(in, 1 << 16), path), 1 << 16);
            } catch (ZipException | EOFException e) {
                in.close();
                throw new FormatException(path, "corrupt gzip header: " + e.getMessage());
            }
        }
        return in;
    }

    /**
     * A gzip stream whose truncation or corruption past the header is a {@link FormatException} naming the file: the
     * JDK throws a bare {@code EOFException} without a message when the trailer is cut short (fuzzing found it, through
     * every reader of gzip files), and a {@code ZipException} for corrupt data.
     */
    private static final class GzipChecked extends java.io.FilterInputStream {
        private final Path path;

        GzipChecked(InputStream in, Path path) {
            super(in);
            this.path = path;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (EOFException | ZipException e) {
                throw corrupt(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (EOFException | ZipException e) {
                throw corrupt(e);
            }
        }

        private FormatException corrupt(IOException e) {
            return new FormatException(path, "the gzip data is truncated or corrupt"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** Whether the file is gzip-compressed (so its length says nothing about the content's size). */
    static boolean isGzip(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /**
     * Reads exactly n bytes, growing the buffer as data arrives so that a header that declares more
     * than the stream holds cannot make us allocate it up front.
     */
    static byte[] readExactly(InputStream in, long n, Path path, String what) throws IOException {
        if (n > Integer.MAX_VALUE - 8) {
            throw new FormatException(path, what + " declares " + n + " bytes, more than a Java array holds");
        }
        int size = (int) n;
        byte[] buf = new byte[Math.min(size, 1 << 20)];
        int got = 0;
        try {
            while (got < size) {
                if (got == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, (int) Math.min(size, (long) buf.length * 2));
                }
                int r = in.read(buf, got, buf.length - got);
                if (r < 0) {
                    throw new FormatException(path, "truncated: " + what + " needs " + size + " bytes, the file has "
                            + got);
                }
                got += r;
            }
        } catch (EOFException | ZipException e) {
            throw new FormatException(path, "truncated or corrupt compressed data after " + got + " bytes of " + what
                    + ": " + e.getMessage());
        }
        return buf;
    }
}
