package org.modelkit.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Results of several files (a model folder, a training run's output) published as a whole: the
 * caller checks the location before any work ({@link #checkTarget}), builds the result in a hidden
 * sibling folder ({@link #stage}), and {@link #publish}es it, which writes a manifest of every file's
 * SHA-256 and renames the folder into place, moving an earlier result aside first and deleting it
 * after. A reader calls {@link #verify}, which refuses a folder whose files do not match its manifest
 * (a file replaced, truncated, added or missing), naming the file. A crash therefore leaves either
 * the earlier result or the new one, never a mixture: at worst a hidden {@code .NAME.partial-*} or
 * {@code .NAME.old-*} sibling, which the next publish to the same target deletes.
 */
public final class ResultFolders {
    /** The manifest file, in {@code sha256sum} format: one {@code <hex>  <name>} line per file. */
    public static final String MANIFEST = "manifest.sha256";
    /**
     * A model store's metadata file, which a result folder gains when it is published to the store as a
     * version; it lists and digests every file itself, so {@link #verify} does not count it as added.
     */
    public static final String STORE_METADATA = "meta.json";

    private ResultFolders() {
    }

    /**
     * Checks, before any work, that a result can be published at {@code target}: it is a directory or
     * does not exist, and the nearest existing ancestor is a writable directory.
     *
     * @param target the result folder
     * @param what   how the user named it, for the message (for example "--out 'out/lqf'")
     * @throws IllegalArgumentException naming {@code what} if not
     */
    public static void checkTarget(Path target, String what) {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IllegalArgumentException(what + " exists and is not a directory");
        }
        Path p = abs.getParent();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null || !Files.isDirectory(p)) {
            throw new IllegalArgumentException(what + ": " + p + " is not a directory");
        }
        if (!Files.isWritable(p)) {
            throw new IllegalArgumentException(what + ": the directory " + p + " is not writable");
        }
    }

    /**
     * @param target the result folder to be published later
     * @return a new empty hidden folder beside it, to build the result in
     * @throws IOException if it cannot be created
     */
    public static Path stage(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Files.createDirectories(abs.getParent());
        return Files.createDirectory(abs.resolveSibling("." + abs.getFileName() + ".partial-" + UUID.randomUUID()));
    }

    /**
     * Writes the manifest into {@code staged} and renames it to {@code target}, replacing an earlier
     * result as a whole.
     *
     * @param staged a folder from {@link #stage}
     * @param target where the result goes
     * @throws IOException if writing or renaming fails; the earlier result is then in place (or, if the
     *                     second of the two renames failed, in its {@code .old-} sibling)
     */
    public static void publish(Path staged, Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        recover(abs); // before this staged folder has a manifest, so that it is not taken for a complete one
        AtomicFiles.writeString(staged.resolve(MANIFEST), manifest(staged));
        cleanSiblings(abs, staged);
        Path old = null;
        if (Files.exists(abs)) {
            old = abs.resolveSibling("." + abs.getFileName() + ".old-" + UUID.randomUUID());
            move(abs, old);
        }
        move(staged, abs);
        if (old != null) {
            deleteTree(old);
        }
    }

    /** Writes the files of a result into a staged folder. */
    @FunctionalInterface
    public interface Contents {
        /**
         * @param staged the empty folder to write into
         * @throws IOException if a file cannot be written
         */
        void writeTo(Path staged) throws IOException;
    }

    /**
     * Stages, writes and publishes a result in one call: {@link #stage}, {@code contents}, {@link #publish},
     * and {@link #discard} of the staged folder if writing or publishing fails, so the earlier result (or
     * nothing) stays in place.
     *
     * @param target   the result folder
     * @param contents writes the files
     * @throws IOException if a file cannot be written or the folder cannot be published
     * @since 1.6
     */
    public static void write(Path target, Contents contents) throws IOException {
        Path staged = stage(target);
        boolean done = false;
        try {
            contents.writeTo(staged);
            publish(staged, target);
            done = true;
        } finally {
            if (!done) {
                discard(staged);
            }
        }
    }

    /** Deletes a staged folder after a failure (quietly: the failure is what matters). */
    public static void discard(Path staged) {
        try {
            deleteTree(staged);
        } catch (IOException e) {
            // left behind as a hidden .partial- sibling; the next publish to the same target deletes it
        }
    }

    /**
     * Checks that a folder's files belong together.
     *
     * @param dir a published result folder
     * @throws FormatException naming the folder if it has no manifest, or naming the file that is
     *                         missing, unlisted, or whose size or SHA-256 differs from the manifest
     * @throws IOException     if a file cannot be read
     */
    public static void verify(Path dir) throws IOException {
        recover(dir);
        Path m = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(m)) {
            throw new FormatException(dir, "has no " + MANIFEST + ", so its files cannot be shown to belong together"
                    + " (an unfinished or older result: write it again)");
        }
        Map<String, String> listed = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            int sep = line.indexOf("  ");
            if (sep != 64 || !line.substring(0, 64).matches("[0-9a-f]{64}")) {
                throw new FormatException(m, "line " + lineNo + " is not '<sha-256 hex>  <file name>'");
            }
            String name = line.substring(sep + 2);
            // a plain name of a file in this folder: no separator (nothing outside it is read), no NUL (the path API
            // throws InvalidPathException on one: fuzzing found it), not . or ..
            if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0
                    || name.indexOf('\0') >= 0) {
                throw new FormatException(m, "line " + lineNo + " names '" + Csv.abbreviate(name.replace('\0', '?'))
                        + "', not a file of the folder");
            }
            listed.put(name, line.substring(0, 64));
        }
        for (Map.Entry<String, String> e : listed.entrySet()) {
            Path f = dir.resolve(e.getKey());
            if (!Files.isRegularFile(f)) {
                throw new FormatException(f, "is missing: " + MANIFEST + " lists it");
            }
            if (!sha256(f).equals(e.getValue())) {
                throw new FormatException(f, "does not belong with the other files of " + dir + ": its SHA-256 differs"
                        + " from " + MANIFEST + " (replaced, truncated or changed after publication)");
            }
        }
        for (Path f : files(dir)) {
            String name = f.getFileName().toString();
            if (!name.equals(MANIFEST) && !name.equals(STORE_METADATA) && !listed.containsKey(name)) {
                throw new FormatException(f, "is not listed in " + MANIFEST + ": it was added after publication");
            }
        }
    }

    static String manifest(Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        for (Path f : files(dir)) {
            String name = f.getFileName().toString();
            if (!name.equals(MANIFEST)) {
                b.append(sha256(f)).append("  ").append(name).append('\n');
            }
        }
        return b.toString();
    }

    private static List<Path> files(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().endsWith(".tmp")) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    static String sha256(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /**
     * Puts back a result folder that a process killed between {@link #publish}'s two renames left absent (the
     * earlier result moved aside, the new one not yet in place): the new one if its staged folder is complete (its
     * manifest, written before the renames, verifies), else the earlier one. {@link #verify} and {@link #publish}
     * call it; a reader that looks into a result folder before verifying it calls it first.
     *
     * @param target a result folder
     * @return whether a folder was put back
     * @throws IOException if the folder's siblings cannot be listed or the rename fails
     * @since 1.8
     */
    public static boolean recover(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (Files.exists(abs) || parent == null || !Files.isDirectory(parent)) {
            return false;
        }
        String prefix = "." + abs.getFileName() + ".";
        Path staged = null;
        Path old = null;
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.sorted(Comparator.comparing(ResultFolders::modified)).toList()) {
                String n = p.getFileName().toString();
                if (!Files.isDirectory(p)) {
                    continue;
                }
                if (n.startsWith(prefix + "partial-") && Files.isRegularFile(p.resolve(MANIFEST))) {
                    try {
                        verify(p);
                        staged = p; // the newest complete one wins
                    } catch (FormatException e) {
                        // written only in part: not a result
                    }
                } else if (n.startsWith(prefix + "old-")) {
                    old = p;
                }
            }
        }
        Path back = staged != null ? staged : old;
        if (back == null) {
            return false;
        }
        move(back, abs);
        return true;
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Leftovers of earlier crashed publishes to the same target, other than the folder being published. */
    private static void cleanSiblings(Path target, Path keep) throws IOException {
        String prefix = "." + target.getFileName() + ".";
        try (Stream<Path> s = Files.list(target.getParent())) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!p.equals(keep.toAbsolutePath().normalize())
                        && (n.startsWith(prefix + "partial-") || n.startsWith(prefix + "old-"))) {
                    deleteTree(p);
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
