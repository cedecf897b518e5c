package org.modelkit.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Tensor;
import org.modelkit.testkit.crash.KillHarness;

/**
 * The child JVM of {@link AtomicWritesCrashTest}: {@code WriterChild DIR FIRST [KIND]} writes every kind of file the
 * writers of this bundle make, KIND first (after a write of it to DIR-warm-up), version after version from FIRST on, each version's content a function of its number, so a reader
 * can tell a whole version from a torn one. Prints "W KIND K" before and "D KIND K" after each write, and "READY" once
 * every target exists; runs until killed.
 */
public final class WriterChild {
    static final List<String> KINDS = List.of("csv", "png", "json", "folder", "pair");

    private WriterChild() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long k = Long.parseLong(args[1]);
        // the kind a kill aims at is written first, after one unannounced write of it to a scratch folder beside: a
        // cold write spends its first 50 ms loading classes, so kills aimed at it landed before its temporary file
        // existed (measured: 99 of 100 kills); warm, a write is its file operations
        int from = args.length > 2 ? KINDS.indexOf(args[2]) : 0;
        if (from < 0) {
            throw new IllegalArgumentException("no writer " + args[2] + ": " + KINDS);
        }
        if (args.length > 2) {
            Path scratch = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-warm-up"));
            write(scratch, args[2], k);
        }
        List<String> order = new ArrayList<>(KINDS.subList(from, KINDS.size()));
        order.addAll(KINDS.subList(0, from));
        boolean ready = false;
        while (true) {
            for (String kind : order) {
                long version = k;
                KillHarness.announce(kind, version, () -> write(dir, kind, version));
            }
            if (!ready) {
                System.out.println("READY");
                System.out.flush();
                ready = true;
            }
            k++;
        }
    }

    static void write(Path dir, String kind, long k) throws IOException {
        switch (kind) {
            case "csv" -> Csv.writeMatrix(dir.resolve("x.csv"), matrix(k), List.of("a", "b", "c", "d", "e"));
            case "png" -> Images.write(dir.resolve("x.png"), frame(k));
            case "json" -> Json.write(dir.resolve("x.json"), json(k));
            case "folder" -> ResultFolders.write(dir.resolve("result"), staged -> {
                Files.writeString(staged.resolve("a.txt"), text(k, 'a'));
                Files.writeString(staged.resolve("b.txt"), text(k, 'b'));
            });
            case "pair" -> {
                Map<Path, AtomicFiles.Writer> files = new LinkedHashMap<>();
                files.put(dir.resolve("pair-a.txt"), out -> out.write(text(k, 'a').getBytes(StandardCharsets.UTF_8)));
                files.put(dir.resolve("pair-b.txt"), out -> out.write(text(k, 'b').getBytes(StandardCharsets.UTF_8)));
                AtomicFiles.writeAll(files);
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    /** 400 rows of 5: the first cell the version, the others a function of it and the place. */
    static Tensor matrix(long k) {
        float[] v = new float[400 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = i == 0 ? k : (float) ((k * 7 + i * 13) % 1000);
        }
        return Tensor.of(v, 400, 5);
    }

    /** 96x96 grey: every pixel a function of the version (mod 256) and its index. */
    static Frame frame(long k) {
        float[] px = new float[96 * 96];
        for (int i = 0; i < px.length; i++) {
            px[i] = (int) ((k * 31 + i * 7) % 256) / 255f;
        }
        return new Frame(96, 96, 1, px);
    }

    static Map<String, Object> json(long k) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            values.add((double) ((k * 11 + i * 3) % 997));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", k);
        m.put("values", values);
        return m;
    }

    static String text(long k, char which) {
        return (which + " " + k + "\n").repeat(2000);
    }
}
