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

    /** Three 8 MB files of seeded bytes (parameters.params is the model file). */
    static StoredModel publish(FileModelStore store, String id, long seed, boolean parkInFile2) throws IOException {
        return store.publish(id, null, "test", Map.of("seed", Long.toString(seed)), dir -> {
            Random r = new Random(seed);
            byte[] chunk = new byte[1 << 20];
            String[] names = {"parameters.params", "extra-1.bin", "extra-2.bin"};
            for (int f = 0; f < 3; f++) {
                try (OutputStream out = Files.newOutputStream(dir.resolve(names[f]))) {
                    for (int c = 0; c < 8; c++) {
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
