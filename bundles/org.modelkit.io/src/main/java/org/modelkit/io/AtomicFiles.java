package org.modelkit.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files atomically: the content goes to a temporary file beside the target, is forced to
 * disk, and is renamed over the target. If writing fails, the temporary file is deleted and the
 * target is untouched.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes content to a stream. */
    @FunctionalInterface
    public interface Writer {
        /**
         * @param out the stream to write to; do not close it
         * @throws IOException if writing fails
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes a file atomically, creating parent directories.
     *
     * @param target the file to create or replace
     * @param writer writes the content
     * @throws IOException if the directory cannot be created or writing or renaming fails; the target
     *                     is then as it was
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        cleanStale(abs);
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        } catch (java.nio.file.FileSystemException e) {
            throw userFacing(e, null, target);
        }
        boolean done = false;
        try {
            keepOrOpenPermissions(tmp, abs);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream raw = java.nio.channels.Channels.newOutputStream(ch);
                    OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
                writer.write(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } catch (java.nio.file.FileSystemException e) {
            throw userFacing(e, tmp, target);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** How old a temporary sibling must be before a write removes it: younger ones may be another writer's. */
    static final long STALE_MILLIS = 3_600_000L;

    /**
     * Removes what a killed writer of this target left: its hidden temporary files ({@code .NAME*.tmp}) and
     * {@link #writeAll}'s backups ({@code .NAME.previous-*}) older than {@link #STALE_MILLIS}. Never fails a write.
     */
    static void cleanStale(Path abs) {
        String name = abs.getFileName().toString();
        long before = System.currentTimeMillis() - STALE_MILLIS;
        try (java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(abs.getParent(), "." + name + "*")) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if ((n.endsWith(".tmp") || n.startsWith("." + name + ".previous-")) && Files.isRegularFile(p)
                        && Files.getLastModifiedTime(p).toMillis() < before) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // cleaning is a courtesy: the write goes on
        }
    }

    /**
     * Writes several files as a whole: every content is written to a temporary file beside its target and
     * forced to disk first; only then are they renamed into place, one after the other. If a content
     * cannot be written, no target is touched; if a rename fails, the targets already replaced get their
     * previous contents back (and those that did not exist are removed), so readers see the old set or
     * the new one, never a mixture that outlives the call.
     *
     * @param files the targets, in the order they are renamed, with their writers
     * @throws IOException if a directory cannot be created or writing or renaming fails; the targets are
     *                     then as they were
     * @throws IllegalArgumentException if two targets are the same file
     * @since 1.4
     */
    public static void writeAll(java.util.Map<Path, Writer> files) throws IOException {
        java.util.List<Path> targets = new java.util.ArrayList<>();
        for (Path p : files.keySet()) {
            Path abs = p.toAbsolutePath().normalize();
            if (targets.contains(abs)) {
                throw new IllegalArgumentException("'" + p + "' is named twice");
            }
            targets.add(abs);
        }
        java.util.List<Path> staged = new java.util.ArrayList<>();
        java.util.List<Path> backups = new java.util.ArrayList<>();
        int moved = 0;
        boolean done = false;
        try {
            int i = 0;
            for (java.util.Map.Entry<Path, Writer> e : files.entrySet()) {
                Path abs = targets.get(i++);
                Files.createDirectories(abs.getParent());
                cleanStale(abs);
                Path tmp;
                try {
                    tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
                } catch (java.nio.file.FileSystemException x) {
                    throw userFacing(x, null, e.getKey());
                }
                staged.add(tmp);
                keepOrOpenPermissions(tmp, abs);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                        OutputStream raw = java.nio.channels.Channels.newOutputStream(ch);
                        OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
                    e.getValue().write(out);
                    out.flush();
                    ch.force(true);
                } catch (java.nio.file.FileSystemException x) {
                    throw userFacing(x, tmp, e.getKey());
                }
            }
            // the previous contents are kept (hard links where the file system has them, else copies) until
            // every rename has succeeded
            for (Path abs : targets) {
                Path backup = null;
                if (Files.exists(abs)) {
                    backup = abs.resolveSibling("." + abs.getFileName() + ".previous-" + System.nanoTime());
                    try {
                        Files.createLink(backup, abs);
                    } catch (IOException | UnsupportedOperationException x) {
                        Files.copy(abs, backup, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
                backups.add(backup);
            }
            for (int k = 0; k < targets.size(); k++) {
                try {
                    Files.move(staged.get(k), targets.get(k), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException x) {
                    Files.move(staged.get(k), targets.get(k), StandardCopyOption.REPLACE_EXISTING);
                } catch (java.nio.file.FileSystemException x) {
                    throw userFacing(x, staged.get(k), targets.get(k));
                }
                moved = k + 1;
            }
            done = true;
        } finally {
            if (!done) {
                for (int k = 0; k < moved; k++) {
                    Path b = backups.get(k);
                    try {
                        if (b != null) {
                            Files.move(b, targets.get(k), StandardCopyOption.REPLACE_EXISTING);
                        } else {
                            Files.deleteIfExists(targets.get(k));
                        }
                    } catch (IOException ignored) {
                        // best effort: the first error is the one reported
                    }
                }
                for (Path s : staged) {
                    Files.deleteIfExists(s);
                }
            }
            for (Path b : backups) {
                if (b != null) {
                    Files.deleteIfExists(b);
                }
            }
        }
    }

    /**
     * The error as the user should see it: naming the file they asked for, never the hidden temporary
     * file it was being written through (the original stays as the cause).
     */
    private static IOException userFacing(java.nio.file.FileSystemException e, Path tmp, Path target) {
        String reason = e.getReason();
        if (reason == null || reason.isBlank()) {
            reason = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.NoSuchFileException ? "no such file or folder"
                    : e instanceof java.nio.file.DirectoryNotEmptyException ? "it is a folder that is not empty"
                    : e.getClass().getSimpleName();
        }
        if (tmp != null) {
            reason = reason.replace(tmp.toString(), target.toString());
        }
        return new IOException("cannot write '" + target + "': " + reason, e);
    }

    private static void keepOrOpenPermissions(Path tmp, Path target) throws IOException {
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.exists(target)
                    ? Files.getPosixFilePermissions(target)
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, perms);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the default permissions apply
        }
    }

    /**
     * Writes a UTF-8 text file atomically.
     *
     * @param target the file
     * @param text   the content
     * @throws IOException if writing fails; the target is then as it was
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
