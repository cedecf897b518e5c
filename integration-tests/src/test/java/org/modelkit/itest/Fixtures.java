package org.modelkit.itest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.modelkit.api.method.Method;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** What the in-framework tests set up the same way: backends, method services, shell sessions. */
final class Fixtures {
    private Fixtures() {
    }

    /** A factory configuration of a backend provider, for example ("org.modelkit.compute.pytorch", "cpu", ...). */
    static Configuration backend(ConfigurationAdmin configAdmin, String factoryPid, String name, Map<String, Object> values)
            throws Exception {
        Configuration c = configAdmin.getFactoryConfiguration(factoryPid, name, "?");
        c.update(new Hashtable<>(values));
        return c;
    }

    /** The pytorch-cpu backend. */
    static Configuration pytorchCpu(ConfigurationAdmin configAdmin) throws Exception {
        return backend(configAdmin, "org.modelkit.compute.pytorch", "cpu", Map.of("backend.id", "pytorch-cpu", "device", "cpu"));
    }

    /** Waits for the method service of that type and name (it appears once its backend is there). */
    static <T> T method(BundleContext context, Class<T> type, String name) throws InterruptedException {
        AtomicReference<T> found = new AtomicReference<>();
        Await.until("the " + name + " method service", () -> {
            try {
                context.getServiceReferences(type, "(" + Method.NAME_PROPERTY + "=" + name + ")").stream().findFirst()
                        .ifPresent(r -> found.set(context.getService(r)));
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            return found.get() != null;
        });
        return found.get();
    }

    /** A shell session whose output is discarded (commands return their results). */
    static CommandSession session(CommandProcessor processor) {
        PrintStream ps = new PrintStream(new ByteArrayOutputStream(), true);
        return processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
    }

    /**
     * Removes what {@code backend use} left for a PID: its .cfg file first, then, once FileInstall has
     * dropped the configuration it made from it, any configuration left. (Deleting the configuration
     * first let FileInstall recreate it from the file, read-only, or delete the next test's new one.)
     */
    static void removeSavedChoice(BundleContext context, ConfigurationAdmin configAdmin, String pid) throws Exception {
        boolean hadFile = java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(
                context.getProperty("felix.fileinstall.dir"), pid + ".cfg"));
        if (hadFile) {
            // FileInstall (polling every 200 ms in these tests) deletes the configuration of a file it
            // knew; wait for that, or for 15 polls if it never took the file up
            long end = System.nanoTime() + 3_000_000_000L;
            while (configAdmin.listConfigurations("(service.pid=" + pid + ")") != null && System.nanoTime() < end) {
                Thread.sleep(50);
            }
        }
        try {
            Configuration p = configAdmin.getConfiguration(pid, "?");
            if (p.getProperties() != null) {
                p.delete();
            }
        } catch (IllegalStateException deletedMeanwhile) {
            // FileInstall deleted it between the look and the delete: what this method is for
        }
    }
}
