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
        // the previous test deleted this same configuration, and SCR learns of a deletion asynchronously: a backend
        // made now could be taken away by that late deletion, and with it every method bound to it, between a test's
        // look-up of a method and its use ("no student-teacher trainer named 'eman' is installed"). Wait until the
        // old backend is gone first.
        String pid = factoryPid + "~" + name;
        if (configAdmin.listConfigurations("(service.pid=" + pid + ")") == null) {
            BundleContext context = org.osgi.framework.FrameworkUtil.getBundle(Fixtures.class).getBundleContext();
            Await.until("the deleted backend " + pid + " to go", () -> {
                try {
                    return context.getServiceReferences((String) null, "(service.pid=" + pid + ")") == null;
                } catch (InvalidSyntaxException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        Configuration c = configAdmin.getFactoryConfiguration(factoryPid, name, "?");
        c.update(new Hashtable<>(values));
        return c;
    }

    /** The onnx-cpu backend. */
    static Configuration onnxCpu(ConfigurationAdmin configAdmin) throws Exception {
        return backend(configAdmin, "org.modelkit.compute.onnx", "cpu", Map.of("backend.id", "onnx-cpu", "execution.provider", "cpu"));
    }

    /** The pytorch-cpu backend. */
    static Configuration pytorchCpu(ConfigurationAdmin configAdmin) throws Exception {
        return backend(configAdmin, "org.modelkit.compute.pytorch", "cpu", Map.of("backend.id", "pytorch-cpu", "device", "cpu"));
    }

    /**
     * Waits for the method service of that type and name whose component has a backend bound (or has no
     * "backend" reference): a service found while the previous test's backend configuration is still being
     * deleted would lose its backend a moment later ("no compute backend is bound to method 'lqf'").
     */
    static <T> T method(BundleContext context, Class<T> type, String name) throws InterruptedException {
        // and the same service must stay so for a moment: after a bundle restart (the kit's shell clause) and a
        // backend's replacement, DS was seen to rebind a method once more right after it first looked bound, and a
        // command a few milliseconds later found no method of that name (a CI run of EmanInFrameworkTest)
        AtomicReference<T> found = new AtomicReference<>();
        AtomicReference<Object> id = new AtomicReference<>();
        long[] since = {0};
        Await.until("the " + name + " method service with a backend bound, unchanged for " + QUIET_MS + " ms", () -> {
            try {
                for (org.osgi.framework.ServiceReference<T> r : context.getServiceReferences(type,
                        "(" + Method.NAME_PROPERTY + "=" + name + ")")) {
                    if (!backendBound(context, r)) {
                        continue;
                    }
                    Object sid = r.getProperty(org.osgi.framework.Constants.SERVICE_ID);
                    if (!sid.equals(id.get())) {
                        id.set(sid);
                        since[0] = System.nanoTime();
                        return false;
                    }
                    if (System.nanoTime() - since[0] < QUIET_MS * 1_000_000L) {
                        return false;
                    }
                    // the service may go away between the look-up and getService (null): look again
                    T s = context.getService(r);
                    if (s != null) {
                        found.set(s);
                        return true;
                    }
                }
                id.set(null);
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            return false;
        });
        return found.get();
    }

    /** How long a method must stay bound to one backend before a test uses it. */
    static final long QUIET_MS = 500;

    /** Whether the service's DS component is active with its "backend" reference bound, or has none. */
    private static boolean backendBound(BundleContext context, org.osgi.framework.ServiceReference<?> r) {
        Object cid = r.getProperty("component.id");
        var scrRef = context.getServiceReference(org.osgi.service.component.runtime.ServiceComponentRuntime.class);
        if (cid == null || scrRef == null) {
            return true;
        }
        var scr = context.getService(scrRef);
        try {
            for (var d : scr.getComponentDescriptionDTOs(r.getBundle())) {
                for (var c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.id != ((Number) cid).longValue()) {
                        continue;
                    }
                    boolean hasBackend = java.util.Arrays.stream(d.references).anyMatch(x -> x.name.equals("backend"));
                    return c.state == org.osgi.service.component.runtime.dto.ComponentConfigurationDTO.ACTIVE
                            && (!hasBackend || java.util.Arrays.stream(c.satisfiedReferences)
                                    .anyMatch(x -> x.name.equals("backend") && x.boundServices.length > 0));
                }
            }
            return false;
        } finally {
            context.ungetService(scrRef);
        }
    }

    /** A shell session whose output is discarded (commands return their results). */
    /**
     * Points the model store at a folder and waits until the store service runs there.
     *
     * @return the configuration (delete it after the test) and the store
     */
    static StoreAt store(BundleContext context, ConfigurationAdmin configAdmin, java.nio.file.Path root) throws Exception {
        Configuration c = configAdmin.getConfiguration("org.modelkit.store", "?");
        Hashtable<String, Object> props = new Hashtable<>(Map.of("root", root.toString()));
        c.update(props);
        AtomicReference<org.modelkit.api.model.ModelStore> store = new AtomicReference<>();
        long[] last = {System.nanoTime()};
        Await.until("the model store on " + root, () -> {
            // the previous test's deletion of this PID can reach SCR after this update (both are delivered
            // asynchronously), leaving the store on its default root: say it again every 5 s until it lands
            if (System.nanoTime() - last[0] > 5_000_000_000L) {
                last[0] = System.nanoTime();
                try {
                    c.update(props);
                } catch (java.io.IOException | IllegalStateException e) {
                    // deleted meanwhile: the next round sees it
                }
            }
            org.osgi.framework.ServiceReference<org.modelkit.api.model.ModelStore> r =
                    context.getServiceReference(org.modelkit.api.model.ModelStore.class);
            org.modelkit.api.model.ModelStore s = r == null ? null : context.getService(r);
            if (s != null && s.root().equals(root.toAbsolutePath().normalize())) {
                store.set(s);
                return true;
            }
            return false;
        });
        return new StoreAt(c, store.get());
    }

    /** A model store on a test's folder, and the configuration that put it there. */
    record StoreAt(Configuration config, org.modelkit.api.model.ModelStore store) {
    }

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
