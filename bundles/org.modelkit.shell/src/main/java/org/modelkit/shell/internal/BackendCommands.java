package org.modelkit.shell.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.modelkit.api.method.Method;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.TextTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;

/**
 * {@code modelkit:backends} and {@code modelkit:backend use ID [METHOD]}. Backends are found by their
 * service properties alone, so the shell does not depend on the compute API (nor on DJL); which
 * method uses which backend comes from Declarative Services' runtime view. A backend is chosen by
 * setting the method component's {@code backend.target} through ConfigAdmin, the same property a
 * {@code .cfg} file in FileInstall's folder sets, and the configuration is saved to that folder so
 * the choice survives a restart.
 */
@Component(service = BackendCommands.class)
@GogoCommand(scope = "modelkit", function = {"backends", "backend"})
public class BackendCommands {
    static final String BACKEND_INTERFACE = "org.modelkit.compute.api.ComputeBackend";
    /** Methods that train reference the autograd sub-interface; they are users of backends all the same. */
    static final String TENSOR_INTERFACE = "org.modelkit.compute.api.TensorBackend";
    static final String ID = "modelkit.backend.id";
    static final String AVAILABLE = "modelkit.backend.available";
    static final String STATUS = "modelkit.backend.status";
    static final String REFERENCE = "backend";

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final ServiceComponentRuntime scr;

    /**
     * @param context     to look backends up
     * @param configAdmin to set method components' backend targets
     * @param scr         to see which component uses which backend
     */
    @Activate
    public BackendCommands(BundleContext context, @Reference ConfigurationAdmin configAdmin,
            @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.scr = scr;
    }

    /**
     * A method component that references a backend.
     *
     * @param waitingFor the target of its unsatisfied backend reference (no backend matches it), or null
     */
    record User(String name, ComponentDescriptionDTO description, List<Long> boundServices, String waitingFor) {
    }

    /**
     * @return the registered backends
     */
    @Descriptor("list the compute backends: id, engine, device, capabilities, status, and the methods that use each")
    public TextTable backends() {
        List<User> users = users();
        List<List<String>> rows = new ArrayList<>();
        for (ServiceReference<?> ref : backendRefs()) {
            long sid = (Long) ref.getProperty(Constants.SERVICE_ID);
            String usedBy = users.stream().filter(u -> u.boundServices().contains(sid)).map(User::name).sorted()
                    .collect(Collectors.joining(", "));
            rows.add(List.of(str(ref.getProperty(ID)), str(ref.getProperty("modelkit.backend.engine")),
                    str(ref.getProperty("modelkit.backend.device")), str(ref.getProperty("capabilities")),
                    str(ref.getProperty(STATUS)), usedBy.isEmpty() ? "-" : usedBy));
        }
        return new TextTable(List.of("ID", "ENGINE", "DEVICE", "CAPABILITIES", "STATUS", "USED BY"), rows);
    }

    /**
     * @param action "use"
     * @param id     the backend's id
     * @return what was changed
     */
    @Descriptor("choose the backend of every method that uses one")
    public Summary backend(@Descriptor("use") String action, @Descriptor("the backend's id") String id)
            throws IOException {
        return backend(action, id, null);
    }

    /**
     * @param action "use"
     * @param id     the backend's id
     * @param method the method's name, or null for all
     * @return what was changed
     */
    @Descriptor("choose the backend of one method")
    public Summary backend(@Descriptor("use") String action, @Descriptor("the backend's id") String id,
            @Descriptor("the method's name, as modelkit:backends shows it") String method) throws IOException {
        if (!"use".equals(action)) {
            throw new IllegalArgumentException("unknown action '" + action + "': use 'modelkit:backend use ID [METHOD]'");
        }
        List<String> ids = backendRefs().stream().map(r -> str(r.getProperty(ID))).sorted().toList();
        if (!ids.contains(id)) {
            throw new IllegalArgumentException("no backend '" + id + "' is registered; backends: "
                    + (ids.isEmpty() ? "none" : String.join(", ", ids)));
        }
        List<User> users = users();
        List<User> chosen = method == null ? users : users.stream().filter(u -> u.name().equals(method)).toList();
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException(method == null ? "no method uses a backend"
                    : "no method '" + method + "' uses a backend; methods with backends: "
                    + users.stream().map(User::name).sorted().collect(Collectors.joining(", ")));
        }
        // a backend that lacks what a method needs (autograd, say) is not offered to it: skipped when all
        // methods are chosen, refused when the method is named
        ServiceReference<?> chosenBackend = backendRefs().stream().filter(r -> id.equals(str(r.getProperty(ID))))
                .findFirst().orElseThrow();
        // an unavailable backend (a GPU backend that sees no GPU) would leave the methods without one
        if (Boolean.FALSE.equals(chosenBackend.getProperty(AVAILABLE))) {
            throw new IllegalArgumentException("backend " + id + " is not available: "
                    + str(chosenBackend.getProperty(STATUS)) + "; nothing was changed");
        }
        Set<String> offers = capabilities(chosenBackend);
        Map<String, String> skipped = new LinkedHashMap<>();
        List<User> able = new ArrayList<>();
        for (User u : chosen) {
            Set<String> missing = new TreeSet<>(needs(u.name()));
            missing.removeAll(offers);
            if (missing.isEmpty()) {
                able.add(u);
            } else {
                skipped.put(u.name(), "needs " + String.join(", ", missing));
            }
        }
        if (able.isEmpty()) {
            throw new IllegalArgumentException("backend " + id + " (" + String.join(", ", offers) + ") cannot serve "
                    + (method == null ? "any method that uses a backend: " : "method ") + skipped.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("; ")));
        }
        chosen = able;
        String target = "(" + ID + "=" + id + ")";
        Map<String, String> changed = new LinkedHashMap<>();
        for (User u : chosen) {
            String pid = u.description().configurationPid[0];
            Configuration c = configAdmin.getConfiguration(pid, "?");
            Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
            props.put(REFERENCE + ".target", target);
            // FileInstall watches a comma-separated list of folders; the first holds the .cfg files (runtime/etc;
            // the launcher's second, runtime/load, takes bundles)
            String dirs = context.getProperty("felix.fileinstall.dir");
            String dir = dirs == null ? null : dirs.split(",")[0].trim();
            if (dir != null) {
                // ConfigAdmin's own store lives in the framework's storage, which the launcher discards; the
                // .cfg file in FileInstall's folder is what survives a restart. FileInstall does not write
                // back (enableConfigSave=false in app.bndrun), so this is the only writer: the file first,
                // so that a failed write leaves the configuration as it was
                Path file = Path.of(dir, pid + ".cfg");
                boolean written = saveCfg(file, props);
                changed.put(u.name(), pid + (written ? " (saved to " + file + ")" : " (already in " + file + ")"));
            } else {
                changed.put(u.name(), pid);
            }
            try {
                c.update(props);
            } catch (org.osgi.service.cm.ReadOnlyConfigurationException readOnly) {
                // FileInstall owns a configuration it made from a .cfg file (with enableConfigSave=false it
                // marks it read-only): the file written above is the change, applied on FileInstall's next poll
                if (dir == null) {
                    throw new IllegalStateException("configuration " + pid + " is read-only: " + readOnly.getMessage());
                }
                awaitTarget(pid, target, Path.of(dir, pid + ".cfg"));
            } catch (IllegalStateException deleted) {
                // deleted meanwhile (FileInstall deletes a configuration when its .cfg goes, on its next
                // poll): the same PID names a new configuration, which takes the same properties
                configAdmin.getConfiguration(pid, "?").update(props);
            }
        }
        skipped.forEach((name, why) -> changed.put(name, "not changed: " + why + ", which " + id + " lacks"));
        return new Summary("backend " + id + " for " + String.join(", ", able.stream().map(User::name).toList()), changed);
    }

    /** Waits (up to 15 s, FileInstall polls every second) until a configuration carries the target. */
    private void awaitTarget(String pid, String target, Path file) throws IOException {
        long end = System.nanoTime() + 15_000_000_000L;
        while (true) {
            Configuration[] cs;
            try {
                cs = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            Object t = cs == null || cs[0].getProperties() == null ? null : cs[0].getProperties().get(REFERENCE + ".target");
            if (target.equals(t)) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("saved to " + file + ", but FileInstall has not applied it within 15 s"
                        + " (is felix.fileinstall running on " + file.getParent() + "?)");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while FileInstall applies " + file, e);
            }
        }
    }

    /**
     * Writes a configuration as a FileInstall .cfg file: sorted {@code key=value} lines, no time
     * stamp, atomically (temporary file, then rename) with the folder's ordinary permissions, and only
     * when the content differs from the file's.
     *
     * @return whether the file was written
     */
    static boolean saveCfg(Path file, Dictionary<String, Object> props) throws IOException {
        java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
        for (java.util.Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            if (!k.equals(Constants.SERVICE_PID) && !k.equals("service.factoryPid") && !k.startsWith("felix.fileinstall.")) {
                sorted.put(k, String.valueOf(props.get(k)));
            }
        }
        StringBuilder text = new StringBuilder("# written by modelkit:backend use\n");
        sorted.forEach((k, v) -> text.append(escape(k, true)).append("=").append(escape(v, false)).append('\n'));
        String content = text.toString();
        if (java.nio.file.Files.isRegularFile(file)
                && java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).equals(content)) {
            return false;
        }
        org.modelkit.io.AtomicFiles.writeString(file, content);
        return true;
    }

    /** java.util.Properties escaping (what FileInstall reads), without the time-stamp comment it writes. */
    private static String escape(String s, boolean key) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case '=', ':', '#', '!' -> b.append('\\').append(ch);
                case ' ' -> b.append(key || i == 0 ? "\\ " : " ");
                default -> b.append(ch < 0x20 || ch > 0x7e ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
            }
        }
        return b.toString();
    }

    /** The capabilities a backend publishes, lower case. */
    private static Set<String> capabilities(ServiceReference<?> backend) {
        Object v = backend.getProperty("capabilities");
        Set<String> out = new TreeSet<>();
        if (v instanceof String[] a) {
            out.addAll(Arrays.asList(a));
        } else if (v instanceof Collection<?> c) {
            c.forEach(x -> out.add(String.valueOf(x)));
        } else if (v != null) {
            out.add(v.toString());
        }
        return out;
    }

    /** What a method needs from a backend (lower case), from its descriptor; empty if it is not registered. */
    private Set<String> needs(String methodName) {
        Set<String> out = new TreeSet<>();
        try {
            for (ServiceReference<Method> r : context.getServiceReferences(Method.class,
                    "(" + Method.NAME_PROPERTY + "=" + methodName + ")")) {
                Method m = context.getService(r);
                if (m != null) {
                    try {
                        m.descriptor().needs().forEach(c -> out.add(c.name().toLowerCase(java.util.Locale.ROOT)));
                    } finally {
                        context.ungetService(r);
                    }
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("method name '" + methodName + "' cannot be used in a filter");
        }
        return out;
    }

    private List<ServiceReference<?>> backendRefs() {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(BACKEND_INTERFACE, null);
            List<ServiceReference<?>> list = refs == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList(refs));
            list.sort((a, b) -> str(a.getProperty(ID)).compareTo(str(b.getProperty(ID))));
            return list;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Components with a reference named "backend" to ComputeBackend, named by modelkit.method or their name. */
    private List<User> users() {
        return users(scr);
    }

    /**
     * @param scr the runtime
     * @return the components with a reference named "backend" to ComputeBackend or TensorBackend, with the
     *         backends bound
     */
    static List<User> users(ServiceComponentRuntime scr) {
        List<User> out = new ArrayList<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            boolean uses = false;
            for (ReferenceDTO r : d.references) {
                uses |= REFERENCE.equals(r.name)
                        && (BACKEND_INTERFACE.equals(r.interfaceName) || TENSOR_INTERFACE.equals(r.interfaceName));
            }
            if (!uses) {
                continue;
            }
            Object m = d.properties.get("modelkit.method");
            String name = m != null ? m.toString() : d.name;
            List<Long> bound = new ArrayList<>();
            String waiting = null;
            for (ComponentConfigurationDTO cc : scr.getComponentConfigurationDTOs(d)) {
                for (SatisfiedReferenceDTO s : cc.satisfiedReferences) {
                    if (REFERENCE.equals(s.name)) {
                        Arrays.stream(s.boundServices).forEach(sr -> bound.add(sr.id));
                    }
                }
                for (org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO u : cc.unsatisfiedReferences) {
                    if (REFERENCE.equals(u.name)) {
                        waiting = u.target == null ? "any" : u.target;
                    }
                }
            }
            out.add(new User(name, d, bound, waiting));
        }
        return out;
    }

    private static String str(Object v) {
        if (v instanceof String[] a) {
            return String.join(",", new TreeMap<String, Boolean>(Arrays.stream(a)
                    .collect(Collectors.toMap(s -> s, s -> true))).keySet());
        }
        return String.valueOf(v);
    }

    /**
     * Gogo calls this when the arguments fit no command of this class: a usage line, not "Cannot coerce".
     *
     * @param argv the command's name, then its arguments
     * @return never
     */
    public Object _main(Object... argv) {
        throw org.modelkit.shell.format.Usage.mismatch(this, argv);
    }
}
