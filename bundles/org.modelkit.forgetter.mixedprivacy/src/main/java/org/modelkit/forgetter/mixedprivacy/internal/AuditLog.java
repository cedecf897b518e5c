package org.modelkit.forgetter.mixedprivacy.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.io.FormatException;
import org.modelkit.io.Json;

/**
 * The forgetter's audit log: one append-only JSON-lines file per model id ({@code <dir>/<id>.jsonl}).
 * Each line carries the SHA-256 of the previous line's bytes ({@code prev}; 64 zeros on the first), so
 * an edited or deleted line breaks the chain at the line after it. A line is one append followed by an
 * fsync. A line torn by a crash is never rewritten: the next append starts on a new line and chains to
 * the torn bytes, and {@link #verify} reports it. The chain cannot show an edit of the last line by
 * itself: {@link Verification#head} is the hash to keep elsewhere for that.
 */
final class AuditLog {
    static final String GENESIS = "0".repeat(64);

    /**
     * One line. Sample contents never appear: ids and digests only.
     *
     * @param time         UTC, ISO-8601
     * @param request      the request's id (the "received" line and its outcome share it)
     * @param kind         train, forget or forget-all
     * @param event        received, done, refused, cancelled or failed
     * @param requester    who asked (free text)
     * @param model        the version the request is against
     * @param output       the version it made, or null
     * @param samples      the sample ids of the request
     * @param digests      their SHA-256s
     * @param sigma        σ
     * @param lambda       λ
     * @param cgIterations conjugate-gradient iterations
     * @param residual     the solve's relative residual
     * @param bound        this request's bound on the remaining information, nats
     * @param runningBound the running sum, nats
     * @param readouts     accuracies and other figures
     * @param reason       why it was refused, cancelled or failed
     * @param prev         SHA-256 of the previous line
     */
    record Entry(String time, String request, String kind, String event, String requester, String model, String output,
            List<Integer> samples, List<String> digests, Double sigma, Double lambda, Integer cgIterations, Double residual,
            Double bound, Double runningBound, Map<String, Double> readouts, String reason, String prev) {
        Entry withPrev(String p) {
            return new Entry(time, request, kind, event, requester, model, output, samples, digests, sigma, lambda,
                    cgIterations, residual, bound, runningBound, readouts, reason, p);
        }
    }

    /**
     * @param lines    lines read
     * @param ok       whether every line chains to the one before it
     * @param problems one sentence per broken link or torn line
     * @param head     SHA-256 of the last line
     */
    record Verification(int lines, boolean ok, List<String> problems, String head) {
    }

    private final Path dir;

    /** @param dir the folder of the logs (created at the first append) */
    AuditLog(Path dir) {
        this.dir = dir;
    }

    /** @return the log file of a model id */
    Path file(String id) {
        ModelHandle.checkId(id);
        return dir.resolve(id + ".jsonl");
    }

    /**
     * Appends one line, chained to the last, and forces it to disk.
     *
     * @param id    the model id
     * @param entry the line (its prev is set here)
     * @throws IOException if the log cannot be written
     */
    synchronized void append(String id, Entry entry) throws IOException {
        Path f = file(id);
        boolean created = !Files.exists(f);
        Files.createDirectories(dir);
        byte[] existing = created ? new byte[0] : Files.readAllBytes(f);
        int end = existing.length;
        boolean torn = end > 0 && existing[end - 1] != '\n';
        int lineEnd = torn ? end : Math.max(0, end - 1);
        int start = lineEnd;
        while (start > 0 && existing[start - 1] != '\n') {
            start--;
        }
        String prev = end == 0 ? GENESIS : sha256(existing, start, lineEnd);
        byte[] line = ((torn ? "\n" : "") + Json.toLine(entry.withPrev(prev)) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        if (created) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // some file systems cannot force a folder; the line itself is on disk
            }
        }
    }

    /** @return the ids that have a log, sorted */
    List<String> ids() throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jsonl")) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                out.add(n.substring(0, n.length() - ".jsonl".length()));
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * @param id a model id
     * @return its lines, in order (a torn line is left out)
     * @throws IllegalArgumentException if the id has no log
     */
    List<Entry> read(String id) throws IOException {
        Path f = file(id);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("no audit log for '" + id + "' in " + dir);
        }
        List<Entry> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            try {
                out.add(Json.parse(lines.get(i), f + " line " + (i + 1), Entry.class));
            } catch (FormatException | RuntimeException e) {
                // a torn line: verify reports it
            }
        }
        return out;
    }

    /**
     * Checks the chain of one log.
     *
     * @param id a model id
     * @return what was found
     * @throws IllegalArgumentException if the id has no log
     */
    Verification verify(String id) throws IOException {
        Path f = file(id);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("no audit log for '" + id + "' in " + dir);
        }
        byte[] all = Files.readAllBytes(f);
        List<String> problems = new ArrayList<>();
        String prev = GENESIS;
        int n = 0;
        boolean chained = true;
        int start = 0;
        while (start < all.length) {
            int end = start;
            while (end < all.length && all[end] != '\n') {
                end++;
            }
            n++;
            String text = new String(all, start, end - start, StandardCharsets.UTF_8);
            Entry e = null;
            try {
                e = Json.parse(text, f + " line " + n, Entry.class);
            } catch (FormatException | RuntimeException ex) {
                problems.add("line " + n + " is torn or not JSON (" + (end == all.length ? "the last line; " : "")
                        + "a crash while it was written, or an edit): " + abbreviate(text));
            }
            if (e != null && !prev.equals(e.prev())) {
                chained = false;
                problems.add("line " + n + " does not chain to line " + (n - 1) + ": its prev is " + abbreviate(e.prev())
                        + ", but line " + (n - 1) + " hashes to " + abbreviate(prev) + " (line " + (n - 1)
                        + " was changed, or a line was removed or inserted)");
            }
            prev = sha256(all, start, end);
            start = end + 1;
        }
        return new Verification(n, chained, problems, prev);
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 24 ? s : s.substring(0, 24) + "…";
    }

    static String sha256(byte[] b, int from, int to) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b, from, to - from);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
