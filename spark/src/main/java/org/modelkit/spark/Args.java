package org.modelkit.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job's command line: positional arguments, options with a value ({@code --name VALUE}) and flags ({@code --name}).
 * Every job parses with it, so a bad command line reads the same whatever the job: the job's name, then what is wrong.
 */
final class Args {
    private final String job;
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> values = new HashMap<>();
    private final Map<String, Boolean> flags = new HashMap<>();

    private Args(String job) {
        this.job = job;
    }

    /**
     * @param job        the job's name, for messages
     * @param args       the arguments after the job's name
     * @param positional how many positional arguments the job takes
     * @param options    the options that take a value
     * @param flags      the options that take none
     * @param usage      the job's usage line, shown when the positional arguments are wrong
     * @return the parsed command line
     * @throws IllegalArgumentException for an unknown option, an option without its value, or the wrong number of
     *                                  positional arguments
     */
    static Args parse(String job, List<String> args, int positional, Set<String> options, Set<String> flags, String usage) {
        Args a = new Args(job);
        for (int i = 0; i < args.size(); i++) {
            String s = args.get(i);
            if (options.contains(s)) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(job + ": " + s + " needs a value");
                }
                a.values.put(s, args.get(++i));
            } else if (flags.contains(s)) {
                a.flags.put(s, true);
            } else if (s.startsWith("--")) {
                throw new IllegalArgumentException(job + ": unknown option " + s);
            } else {
                a.positional.add(s);
            }
        }
        if (a.positional.size() != positional) {
            throw new IllegalArgumentException(usage);
        }
        return a;
    }

    /** @return the i-th positional argument */
    String positional(int i) {
        return positional.get(i);
    }

    /** @return an option's value, or the default */
    String string(String option, String absent) {
        return values.getOrDefault(option, absent);
    }

    /** @return an option's value as a whole number, or the default */
    int integer(String option, int absent) {
        return (int) whole(option, absent, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** @return an option's value as a long, or the default */
    long longValue(String option, long absent) {
        return whole(option, absent, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private long whole(String option, long absent, long min, long max) {
        String v = values.get(option);
        if (v == null) {
            return absent;
        }
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(job + ": " + option + " '" + v + "' is not a whole number");
        }
    }

    /** @return whether a flag was given */
    boolean flag(String flag) {
        return flags.getOrDefault(flag, false);
    }
}
