package org.modelkit.shell.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.TextTable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * The framework-wide commands of scope {@code modelkit}: {@code methods}, {@code info} and
 * {@code version}. Methods are looked up in the service registry on every call, so bundles that come
 * and go are always shown as they are.
 */
@Component(service = ModelkitCommands.class)
@GogoCommand(scope = "modelkit", function = {"methods", "info", "version", "help", "modelkit", "stats"})
public class ModelkitCommands {
    private final BundleContext context;
    private final ServiceComponentRuntime scr;

    /**
     * @param context this bundle's context, to look methods up
     * @param scr     to see which backend a method component is bound to
     */
    @Activate
    public ModelkitCommands(BundleContext context, @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.scr = scr;
    }

    /** @return every method's calls, failures, cancellations and latency since the shell started */
    @Descriptor("per-method figures since start: calls, failures, cancellations, latency p50/p95/max and the last failure"
            + " (every call a command makes through -m NAME is counted)")
    public TextTable stats() {
        return org.modelkit.shell.format.MethodStats.table();
    }

    /** One installed method service. */
    record Installed(MethodDescriptor descriptor, ServiceReference<Method> ref) {
    }

    /**
     * @return the installed method services as a table
     */
    @Descriptor("list the installed method services: name, interface, bundle, version and backend")
    public TextTable methods() {
        List<List<String>> rows = new ArrayList<>();
        List<BackendCommands.User> users = BackendCommands.users(scr);
        for (Installed m : installed()) {
            Bundle b = m.ref().getBundle();
            rows.add(List.of(m.descriptor().name(), interfaces(m.ref()), label(b), m.descriptor().version(),
                    backend(m, users)));
        }
        // a method whose backend is gone is not registered as a service, but it is installed: show it as
        // waiting, with the target its backend reference looks for, rather than leaving it out
        java.util.Set<String> shown = new java.util.HashSet<>();
        rows.forEach(r -> shown.add(r.get(0)));
        for (BackendCommands.User u : users) {
            if (u.waitingFor() != null && shown.add(u.name())) {
                Bundle b = context.getBundle(u.description().bundle.id);
                rows.add(List.of(u.name(), simpleNames(u.description().serviceInterfaces), label(b),
                        b == null ? "-" : b.getVersion().toString(), "waiting for a backend: " + u.waitingFor()));
            }
        }
        rows.sort(Comparator.comparing(r -> r.get(0)));
        return new TextTable(List.of("NAME", "INTERFACE", "BUNDLE", "VERSION", "BACKEND"), rows);
    }

    /**
     * @param name the method's name
     * @return the method's description
     */
    @Descriptor("describe one method: paper, version, what it needs, its bundle and service properties")
    public Summary info(@Descriptor("the method's name, as 'modelkit:methods' lists it") String name) {
        List<Installed> all = installed();
        for (Installed m : all) {
            if (m.descriptor().name().equals(name)) {
                MethodDescriptor d = m.descriptor();
                Map<String, String> f = new LinkedHashMap<>();
                f.put("name", d.name());
                f.put("reference", d.reference());
                f.put("version", d.version());
                f.put("interfaces", interfaces(m.ref()));
                f.put("needs", d.needs().isEmpty() ? "nothing (pure Java)"
                        : d.needs().stream().map(Enum::name).sorted().map(String::toLowerCase).collect(Collectors.joining(", ")));
                f.put("backend", backend(m, BackendCommands.users(scr)));
                Bundle b = m.ref().getBundle();
                f.put("bundle", b == null ? "-" : b.getSymbolicName() + " " + b.getVersion() + " [" + b.getBundleId() + "]");
                f.put("service.id", String.valueOf(m.ref().getProperty(Constants.SERVICE_ID)));
                for (String key : m.ref().getPropertyKeys()) {
                    if (!key.equals(Constants.OBJECTCLASS) && !key.startsWith("service.")
                            && !key.startsWith("component.") && !key.startsWith("osgi.ds.") && !key.equals(Method.NAME_PROPERTY)) {
                        f.put(key, format(m.ref().getProperty(key)));
                    }
                }
                return new Summary(d.name() + ": " + d.title(), f);
            }
        }
        String names = all.stream().map(m -> m.descriptor().name()).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("no method named '" + name + "' is installed"
                + (names.isEmpty() ? " (no methods are installed)" : "; installed: " + names));
    }

    /**
     * @return versions of Modelkit, the framework and Java
     */
    @Descriptor("show the versions of Modelkit, the OSGi framework and Java, and how many methods are installed")
    public Summary version() {
        Bundle self = context.getBundle();
        Bundle fw = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        Map<String, String> f = new LinkedHashMap<>();
        f.put("modelkit", self.getVersion().toString());
        f.put("framework", fw.getSymbolicName() + " " + fw.getVersion());
        f.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vendor") + ")");
        f.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB max heap");
        f.put("methods", Integer.toString(installed().size()));
        return new Summary("Modelkit " + self.getVersion(), f);
    }

    /**
     * @return every modelkit command with its usage line and what it does
     */
    @Descriptor("list the modelkit commands with their usage; 'modelkit:help COMMAND' describes one, with defaults")
    public String help() {
        StringBuilder b = new StringBuilder("Modelkit commands (scope modelkit; the prefix may be left out):\n");
        for (var e : commandObjects().entrySet()) {
            for (java.lang.reflect.Method m : org.modelkit.shell.format.Usage.commands(e.getValue().getClass(), e.getKey())) {
                Descriptor d = m.getAnnotation(Descriptor.class);
                b.append("  ").append(org.modelkit.shell.format.Usage.line(e.getKey(), m)).append('\n');
                if (d != null) {
                    b.append("      ").append(d.value()).append('\n');
                }
            }
        }
        return b.append("Ctrl-C cancels a running command; 'e' shows the last error's stack trace.").toString();
    }

    /**
     * @return the same as {@link #help()}, so that typing {@code modelkit} or {@code help modelkit} leads somewhere
     */
    @Descriptor("Modelkit: ten machine-learning methods as OSGi services; 'modelkit:help' lists the commands")
    public String modelkit() {
        return help();
    }

    /**
     * @param command a modelkit command's name, with or without {@code modelkit:}
     * @return its usage, description, options with their defaults, and arguments
     */
    @Descriptor("describe one modelkit command: usage, options with their defaults, arguments")
    public String help(@Descriptor("the command, for example embed") String command) {
        String name = command.startsWith("modelkit:") ? command.substring("modelkit:".length()) : command;
        Map<String, Object> all = commandObjects();
        Object target = all.get(name);
        if (target == null) {
            throw new IllegalArgumentException("no modelkit command '" + command + "'; commands: " + String.join(", ", all.keySet()));
        }
        StringBuilder b = new StringBuilder();
        for (java.lang.reflect.Method m : org.modelkit.shell.format.Usage.commands(target.getClass(), name)) {
            b.append(org.modelkit.shell.format.Usage.help("modelkit:" + name, m));
        }
        return b.toString().stripTrailing();
    }

    /**
     * Gogo calls this when the arguments fit none of this class's commands.
     *
     * @param argv the command's name, then its arguments
     * @return never
     */
    public Object _main(Object... argv) {
        throw org.modelkit.shell.format.Usage.mismatch(this, argv);
    }

    /** The objects behind the modelkit commands, by function name, sorted. */
    private Map<String, Object> commandObjects() {
        Map<String, Object> out = new java.util.TreeMap<>();
        ServiceReference<?>[] refs;
        try {
            refs = context.getServiceReferences((String) null, "(osgi.command.scope=modelkit)");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            Object fn = ref.getProperty("osgi.command.function");
            String[] names = fn instanceof String[] a ? a : new String[] {String.valueOf(fn)};
            Object service = context.getService(ref);
            if (service == null) {
                continue;
            }
            try {
                for (String n : names) {
                    out.put(n, service);
                }
            } finally {
                context.ungetService(ref); // only its class is used
            }
        }
        return out;
    }

    private List<Installed> installed() {
        Collection<ServiceReference<Method>> refs;
        try {
            refs = context.getServiceReferences(Method.class, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Installed> out = new ArrayList<>();
        for (ServiceReference<Method> ref : refs) {
            Method m = context.getService(ref);
            if (m == null) {
                continue; // unregistered meanwhile, or its component failed to activate
            }
            try {
                out.add(new Installed(m.descriptor(), ref));
            } finally {
                context.ungetService(ref);
            }
        }
        out.sort(Comparator.comparing(i -> i.descriptor().name()));
        return out;
    }

    private static String interfaces(ServiceReference<?> ref) {
        return simpleNames((String[]) ref.getProperty(Constants.OBJECTCLASS));
    }

    private static String label(Bundle b) {
        return b == null ? "-" : b.getSymbolicName() + " [" + b.getBundleId() + "]";
    }

    /** The simple names of a service's interfaces, without {@link Method}. */
    private static String simpleNames(String[] classes) {
        return Arrays.stream(classes).filter(c -> !c.equals(Method.class.getName()))
                .map(c -> c.substring(c.lastIndexOf('.') + 1)).collect(Collectors.joining(", "));
    }

    private String backend(Installed m, List<BackendCommands.User> users) {
        if (m.descriptor().needs().isEmpty()) {
            return "pure Java";
        }
        // the backend its component's "backend" reference is bound to, from Declarative Services
        for (BackendCommands.User u : users) {
            if (u.name().equals(m.descriptor().name()) && !u.boundServices().isEmpty()) {
                List<String> ids = new ArrayList<>();
                for (long sid : u.boundServices()) {
                    try {
                        var refs = context.getServiceReferences((String) null, "(" + Constants.SERVICE_ID + "=" + sid + ")");
                        if (refs != null) {
                            ids.add(String.valueOf(refs[0].getProperty(BackendCommands.ID)));
                        }
                    } catch (org.osgi.framework.InvalidSyntaxException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return String.join(", ", ids);
            }
        }
        return "- (none bound)";
    }

    private static String format(Object v) {
        if (v instanceof Object[] a) {
            return Arrays.toString(a);
        }
        return String.valueOf(v);
    }
}
