package org.modelkit.shell.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Hashtable;
import org.modelkit.testkit.crash.KillHarness;

/**
 * The child JVM of {@link CfgCrashTest}: {@code CfgWriterChild FILE FIRST} saves version after version of a method's
 * configuration the way {@code modelkit:backend use} does ({@link BackendCommands#saveCfg}), from FIRST on, until
 * killed, after one save to a scratch folder beside FILE's (FOLDER-warm-up).
 */
public final class CfgWriterChild {
    private CfgWriterChild() {
    }

    /** @return version K of the configuration: a backend target, the version, and values that depend on it */
    static Hashtable<String, Object> version(long k) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("backend.target", "(modelkit.backend.id=backend-" + k + ")");
        p.put("version", Long.toString(k));
        p.put("modelkit.timeout", (k % 600) + "s");
        p.put("note", "saved by a killed writer: version " + k + " = " + Long.toHexString(k * 0x9E3779B97F4A7C15L));
        return p;
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        long k = Long.parseLong(args[1]);
        // one unannounced save to a scratch file first: a cold save spends its first milliseconds loading classes, and
        // kills aimed at it landed before its temporary file existed
        java.nio.file.Path scratch = java.nio.file.Files.createDirectories(
                file.getParent().resolveSibling(file.getParent().getFileName() + "-warm-up"));
        BackendCommands.saveCfg(scratch.resolve(file.getFileName()), version(k));
        KillHarness.announce("cfg", k, () -> BackendCommands.saveCfg(file, version(k)));
        System.out.println("READY");
        System.out.flush();
        for (long v = k + 1;; v++) {
            long version = v;
            KillHarness.announce("cfg", version, () -> BackendCommands.saveCfg(file, version(version)));
        }
    }
}
