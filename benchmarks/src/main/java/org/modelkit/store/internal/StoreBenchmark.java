package org.modelkit.store.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.modelkit.api.model.ModelWriter;
import org.modelkit.api.model.StoredModel;

/**
 * The model store's publish and verified open, side by side in one run with what a user would do by
 * hand: {@code cp -r} + {@code sync} of the same files, and coreutils {@code sha256sum} of them.
 *
 * <p>Usage: {@code StoreBenchmark WORK_DIR CNN_FOLDER} (benchmarks/store/run). Two models: the
 * committed Fashion-MNIST CNN (4 files, 0.6 MB) and a 100 MB one (the CNN's model.json beside a
 * 100 MB parameters.params of seeded random bytes: the store reads no parameter's value, so random
 * bytes cost what real ones do). Each repetition publishes under a new id (an identical publication to
 * the same id would return the existing version without copying), and the two sides alternate, so a
 * slow period hits both. The peers run as one {@code sh -c} each; a process start is measured alone
 * and printed, since it is part of what the shell tools cost and dominates the small model. Files are
 * in the page cache for both sides (they were just written): this compares CPU and fsync costs, not
 * cold reads. Prints a markdown table (medians).
 */
public final class StoreBenchmark {
    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        Path cnn = Path.of(args[1]).toAbsolutePath();
        delete(work);
        Files.createDirectories(work);
        Path big = work.resolve("big-model");
        Files.createDirectories(big);
        Files.copy(cnn.resolve("model.json"), big.resolve("model.json"));
        try (OutputStream out = Files.newOutputStream(big.resolve("parameters.params"))) {
            SplittableRandom r = new SplittableRandom(42);
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 100; i++) {
                for (int j = 0; j < chunk.length; j += 8) {
                    long v = r.nextLong();
                    for (int k = 0; k < 8; k++) {
                        chunk[j + k] = (byte) (v >>> (8 * k));
                    }
                }
                out.write(chunk);
            }
        }
        double spawn = median(repeat(20, () -> shell("true")));
        System.out.printf(Locale.ROOT, "a process start (sh -c true): %.2f ms%n%n", spawn * 1e3);
        System.out.println("| model | size | publish (store) | cp -r + sync | publish / (cp + sync) | verified open (store)"
                + " | sha256sum | open / sha256sum | store verify MB/s | sha256sum MB/s |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        row("fashion-cnn-leaky", cnn, work, 30);
        row("100 MB parameters", big, work, 6);
        System.out.println();
        System.out.println("medians; the peers' times include one process start each (" + String.format(Locale.ROOT,
                "%.2f ms", spawn * 1e3) + "); the files are in the page cache on both sides");
    }

    private static void row(String name, Path model, Path work, int reps) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(model)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        Path root = work.resolve("store-" + model.getFileName());
        FileModelStore store = FileModelStore.open(root);
        ModelWriter copy = to -> {
            for (Path f : files) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        };
        String quoted = String.join(" ", files.stream().map(f -> "'" + f + "'").toList());
        // warm-up: the JIT (SHA-256 runs on the CPU's SHA instructions only once compiled), the file
        // system's metadata paths; at least 200 MB hashed
        for (int i = 0, n = (int) Math.max(5, Math.min(200, 2e8 / bytes)); i < n; i++) {
            StoredModel w = store.publish("warm-up-" + i, null, "benchmark", Map.of(), copy);
            store.open(w.handle());
        }
        double[] publish = new double[reps];
        double[] cpSync = new double[reps];
        double[] open = new double[reps];
        double[] sha = new double[reps];
        for (int i = 0; i < reps; i++) {
            String id = name.replaceAll("[^A-Za-z0-9]", "-") + "-" + (i + 1);
            long t0 = System.nanoTime();
            StoredModel v = store.publish(id, null, "benchmark", Map.of(), copy);
            publish[i] = (System.nanoTime() - t0) / 1e9;
            Path dst = work.resolve("cp-" + i);
            cpSync[i] = shell("cp -r '" + model + "' '" + dst + "' && sync '" + dst + "'/*");
            t0 = System.nanoTime();
            store.open(v.handle());
            open[i] = (System.nanoTime() - t0) / 1e9;
            sha[i] = shell("sha256sum " + quoted + " > /dev/null");
            delete(dst);
        }
        double p = median(publish);
        double c = median(cpSync);
        double o = median(open);
        double s = median(sha);
        double mb = bytes / 1e6;
        System.out.printf(Locale.ROOT, "| %s | %.1f MB | %s | %s | %.2fx | %s | %s | %.2fx | %.0f | %.0f |%n", name, mb,
                time(p), time(c), p / c, time(o), time(s), o / s, mb / o, mb / s);
        delete(root);
    }

    /** Deletes a tree, the store's read-only version folders included. */
    private static void delete(Path p) throws IOException, InterruptedException {
        if (Files.exists(p)) {
            shell("chmod -R u+w '" + p + "' && rm -rf '" + p + "'");
        }
    }

    private static String time(double seconds) {
        return seconds < 1 ? String.format(Locale.ROOT, "%.2f ms", seconds * 1e3) : String.format(Locale.ROOT, "%.3f s", seconds);
    }

    private interface Timed {
        double run() throws Exception;
    }

    private static double[] repeat(int n, Timed t) throws Exception {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = t.run();
        }
        return v;
    }

    /** @return the wall time of one {@code sh -c COMMAND}, in seconds; fails if it exits non-zero */
    private static double shell(String command) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        int rc = p.waitFor();
        double t = (System.nanoTime() - t0) / 1e9;
        if (rc != 0) {
            throw new IOException("'" + command + "' exited with " + rc);
        }
        return t;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
