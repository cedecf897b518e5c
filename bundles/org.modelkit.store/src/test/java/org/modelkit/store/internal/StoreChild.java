package org.modelkit.store.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.StoredModel;

/**
 * A child JVM for the crash and concurrency tests: {@code StoreChild ROOT MODE ARG...}. Prints "READY" when
 * the store is open and "PARKED phase" where it parks for the parent to kill it.
 *
 * <ul>
 * <li>{@code park ID PHASE SEED}: publishes a version of three 8 MB files and parks at PHASE (a store hook
 * phase, or "writing-file-2" inside the writer)
 * <li>{@code promote ID VERSION}: promotes, parking while state.json is replaced
 * <li>{@code loop ID SEED}: publishes, promotes the new version, removes and purges the old one, forever, printing
 * "CYCLED ID@N" after each round
 * <li>{@code publish ID COUNT TAG}: publishes COUNT versions with distinct contents, then exits
 * <li>{@code kill ID FIRST BYTES}: for the crash test's KillHarness: from K = FIRST on, publishes version K (three
 * files of BYTES each, seed K), promotes it, removes and purges the one it replaced, announcing each cycle as
 * "W publish K" and "D publish K"
 * </ul>
 */
public final class StoreChild {
    static final int MB8 = 8 << 20;

    private StoreChild() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        String mode = args[1];
        String park = mode.equals("park") ? args[3] : mode.equals("promote") ? "state-written" : null;
        FileModelStore.Hook hook = phase -> {
            if (phase.equals(park)) {
                parkHere(phase);
            }
        };
        FileModelStore store = FileModelStore.open(root, FileModelStore.Settings.DEFAULT, List::of, hook);
        System.out.println("READY");
        System.out.flush();
        switch (mode) {
            case "park" -> publish(store, args[2], Long.parseLong(args[4]), args[3].equals("writing-file-2"));
            case "promote" -> store.promote(new ModelHandle(args[2], args[3]));
            case "loop" -> {
                Random r = new Random(Long.parseLong(args[3]));
                while (true) {
                    StoredModel before = store.list().stream().filter(StoredModel::current).findFirst().orElse(null);
                    StoredModel m = publish(store, args[2], r.nextLong(), false);
                    store.promote(m.handle());
                    if (before != null && !before.handle().equals(m.handle())) {
                        store.remove(before.handle());
                        store.purge(before.handle());
                    }
                    System.out.println("CYCLED " + m.handle());
                    System.out.flush();
                }
            }
            case "kill" -> {
                // the crash test's writer: publish version K (three files of BYTES each, seed K), promote it, remove
                // and purge the version it replaced, announcing each cycle to KillHarness; one unannounced cycle in a
                // scratch store beside first, so a kill aimed at the first announced cycle finds it warm
                int bytes = Integer.parseInt(args[4]);
                FileModelStore scratch = FileModelStore.open(root.resolveSibling(root.getFileName() + "-warm-up"));
                cycle(scratch, args[2], Long.parseLong(args[3]), bytes);
                for (long k = Long.parseLong(args[3]);; k++) {
                    long version = k;
                    org.modelkit.testkit.crash.KillHarness.announce("publish", version,
                            () -> cycle(store, args[2], version, bytes));
                }
            }
            case "publish" -> {
                for (int i = 0; i < Integer.parseInt(args[3]); i++) {
                    String tag = args[4] + "-" + i;
                    store.publish(args[2], null, "test", Map.of("tag", tag), dir -> Files.writeString(
                            dir.resolve("parameters.params"), tag));
                }
            }
            default -> throw new IllegalArgumentException(mode);
        }
        System.out.println("DONE");
    }

    static void parkHere(String phase) {
        System.out.println("PARKED " + phase);
        System.out.flush();
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One cycle of the "kill" mode: publishes version K, promotes it, removes and purges the one it replaced. */
    static void cycle(FileModelStore store, String id, long k, int bytes) throws IOException {
        StoredModel before = store.list().stream().filter(v -> v.handle().id().equals(id) && v.current()).findFirst()
                .orElse(null);
        StoredModel m = publish(store, id, k, false, bytes);
        store.promote(m.handle());
        if (before != null) {
            store.remove(before.handle());
            store.purge(before.handle());
        }
    }

    /** Three 8 MB files of seeded bytes (parameters.params is the model file). */
    static StoredModel publish(FileModelStore store, String id, long seed, boolean parkInFile2) throws IOException {
        return publish(store, id, seed, parkInFile2, MB8);
    }

    /** Three files of {@code bytes} each (a multiple of 64 KB) of seeded bytes. */
    static StoredModel publish(FileModelStore store, String id, long seed, boolean parkInFile2, int bytes)
            throws IOException {
        int chunkSize = Math.min(bytes, 1 << 20);
        return store.publish(id, null, "test", Map.of("seed", Long.toString(seed)), dir -> {
            Random r = new Random(seed);
            byte[] chunk = new byte[chunkSize];
            String[] names = {"parameters.params", "extra-1.bin", "extra-2.bin"};
            for (int f = 0; f < 3; f++) {
                try (OutputStream out = Files.newOutputStream(dir.resolve(names[f]))) {
                    for (int c = 0; c < bytes / chunkSize; c++) {
                        r.nextBytes(chunk);
                        out.write(chunk);
                        if (parkInFile2 && f == 1 && c == 3) {
                            out.flush();
                            parkHere("writing-file-2");
                        }
                    }
                }
            }
        });
    }
}
