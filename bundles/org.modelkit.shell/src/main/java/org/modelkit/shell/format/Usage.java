package org.modelkit.shell.format;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;

/**
 * Usage lines and help of Gogo commands, read from their {@link Descriptor} and {@link Parameter}
 * annotations, and the error a command gives when Gogo finds no method for its arguments.
 *
 * <p>Gogo answers a call whose arguments fit no method with {@code Cannot coerce embed(Token, ...)}.
 * A command class avoids that by declaring, beside its commands,
 * <pre>
 * public Object _main(Object... argv) { throw Usage.mismatch(this, argv); }
 * </pre>
 * Gogo passes {@code _main} the command's name first and tries it like any overload; a variable-
 * arity method costs more than any exact fit, so it is chosen only when no command fits. For this to
 * hold, command parameters are Strings (numbers parsed with {@link Args}, which names the option and
 * the problem), never {@code int}, {@code double} or {@code boolean}.
 */
public final class Usage {
    private Usage() {
    }

    /**
     * @param commands the command object Gogo called
     * @param argv     the command's name, then the arguments as given
     * @return the error to throw: what is wrong (an unknown option, an option without its value, too
     *         many or too few arguments) and the command's usage line
     */
    public static IllegalArgumentException mismatch(Object commands, Object... argv) {
        if (argv.length == 0) {
            return new IllegalArgumentException("no command given");
        }
        String name = String.valueOf(argv[0]);
        List<String> given = Arrays.stream(argv).skip(1).map(String::valueOf).toList();
        List<Method> methods = commands(commands.getClass(), name);
        if (methods.isEmpty()) {
            return new IllegalArgumentException(name + ": no such command");
        }
        return new IllegalArgumentException(name + ": " + problem(methods, given) + "\nusage: "
                + methods.stream().map(m -> line(name, m)).collect(Collectors.joining("\n       "))
                + "\n(modelkit:help " + name + " describes every option)");
    }

    /**
     * @param type a command class
     * @param name a command's name
     * @return the public methods of that name (not {@code _main}; commands whose last argument takes any number of
     *         words, {@code String... words}, included), most parameters first
     */
    public static List<Method> commands(Class<?> type, String name) {
        List<Method> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getName().equalsIgnoreCase(name) && !m.getName().equals("_main")) {
                out.add(m);
            }
        }
        out.sort(Comparator.comparingInt((Method m) -> -m.getParameterCount()));
        return out;
    }

    private static String problem(List<Method> methods, List<String> given) {
        Set<String> valued = new HashSet<>();
        Set<String> flags = new HashSet<>();
        Set<Integer> counts = new java.util.TreeSet<>();
        int atLeast = Integer.MAX_VALUE; // a variable-arity command takes its other positionals and any number more
        for (Method m : methods) {
            int n = options(m, valued, flags);
            if (m.isVarArgs()) {
                atLeast = Math.min(atLeast, n - 1);
            } else {
                counts.add(n);
            }
        }
        int args = 0;
        for (int i = 0; i < given.size(); i++) {
            String g = given.get(i);
            if (valued.contains(g)) {
                if (i + 1 == given.size()) {
                    return "option " + g + " needs a value";
                }
                i++;
            } else if (flags.contains(g)) {
                continue;
            } else if (g.startsWith("-") && g.length() > 1 && !isNumber(g)) {
                return "unknown option " + g;
            } else {
                args++;
            }
        }
        if (args >= atLeast) {
            return "these arguments fit no form of the command";
        }
        if (counts.isEmpty()) {
            return "expected at least " + atLeast + " argument" + (atLeast == 1 ? "" : "s") + ", got " + args;
        }
        if (!counts.contains(args)) {
            String expected = counts.stream().map(String::valueOf).collect(Collectors.joining(" or "));
            return "expected " + expected + " argument" + (counts.equals(Set.of(1)) ? "" : "s") + ", got " + args
                    + (args > counts.stream().mapToInt(Integer::intValue).max().orElse(0)
                            ? " (an option's value with spaces needs quotes)" : "");
        }
        return "these arguments fit no form of the command";
    }

    /** Adds a method's valued options and flags to the sets; returns its number of positional parameters. */
    private static int options(Method m, Set<String> valued, Set<String> flags) {
        int positional = 0;
        for (java.lang.reflect.Parameter p : m.getParameters()) {
            Parameter a = p.getAnnotation(Parameter.class);
            if (p.getType() == CommandSession.class) {
                continue;
            }
            if (a == null) {
                positional++;
            } else if (a.presentValue().equals(Parameter.UNSPECIFIED)) {
                valued.addAll(Arrays.asList(a.names()));
            } else {
                flags.addAll(Arrays.asList(a.names()));
            }
        }
        return positional;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * @param name the command's name as typed, for example {@code embed}
     * @param m    one of its methods
     * @return {@code embed [-m METHOD] [-d DIMENSIONS] [--directed] GRAPH OUT}
     */
    public static String line(String name, Method m) {
        StringBuilder b = new StringBuilder(name);
        List<String> positional = new ArrayList<>();
        for (java.lang.reflect.Parameter p : m.getParameters()) {
            if (p.getType() == CommandSession.class) {
                continue;
            }
            Parameter a = p.getAnnotation(Parameter.class);
            if (a == null) {
                positional.add(metavar(p));
            } else if (a.presentValue().equals(Parameter.UNSPECIFIED)) {
                b.append(" [").append(a.names()[0]).append(' ').append(metavar(p)).append(']');
            } else {
                b.append(" [").append(a.names()[0]).append(']');
            }
        }
        positional.forEach(x -> b.append(' ').append(x));
        return b.toString();
    }

    /**
     * @param name the command's name as typed
     * @param m    one of its methods
     * @return the usage line, the description, and one line per option (with its default) and argument
     */
    public static String help(String name, Method m) {
        StringBuilder b = new StringBuilder();
        Descriptor d = m.getAnnotation(Descriptor.class);
        b.append(line(name, m)).append('\n');
        if (d != null) {
            b.append("  ").append(d.value()).append('\n');
        }
        List<String[]> rows = new ArrayList<>();
        for (java.lang.reflect.Parameter p : m.getParameters()) {
            if (p.getType() == CommandSession.class) {
                continue;
            }
            Parameter a = p.getAnnotation(Parameter.class);
            Descriptor pd = p.getAnnotation(Descriptor.class);
            String text = pd == null ? "" : pd.value();
            if (a == null) {
                rows.add(new String[] {metavar(p), text});
            } else {
                String names = String.join(", ", a.names());
                boolean flag = !a.presentValue().equals(Parameter.UNSPECIFIED);
                String def = flag || a.absentValue().isEmpty() || a.absentValue().equals(Parameter.UNSPECIFIED) ? ""
                        : " (default " + a.absentValue() + ")";
                rows.add(new String[] {flag ? names : names + " " + metavar(p), text + def});
            }
        }
        int w = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        for (String[] r : rows) {
            b.append("    ").append(r[0]).append(" ".repeat(w - r[0].length() + 2)).append(r[1]).append('\n');
        }
        return b.toString();
    }

    /** The upper-case name of a parameter: its long option's name, or its Java name if compiled with -parameters. */
    private static String metavar(java.lang.reflect.Parameter p) {
        Parameter a = p.getAnnotation(Parameter.class);
        String n = null;
        if (a != null) {
            for (String s : a.names()) {
                if (s.startsWith("--")) {
                    n = s.substring(2);
                }
            }
        }
        if (n == null) {
            n = p.isNamePresent() ? p.getName() : "arg";
        }
        return n.replace('-', '_').toUpperCase(Locale.ROOT) + (p.isVarArgs() ? "..." : "");
    }
}
