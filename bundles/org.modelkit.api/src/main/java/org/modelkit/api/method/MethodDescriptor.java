package org.modelkit.api.method;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Describes an installed method.
 *
 * @param name      a short unique name, lower case letters, digits and dashes, for example
 *                  "betweenness-spectral"; the shell selects methods by it
 * @param title     a one-line human description
 * @param reference the paper, for example "arXiv:2009.14441", or "baseline" for a method that is
 *                  not from a paper
 * @param version   the implementation's version, for example the providing bundle's version
 * @param needs     what the method needs from a compute backend; empty for pure Java
 */
public record MethodDescriptor(String name, String title, String reference, String version, Set<Capability> needs) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");

    /**
     * @throws IllegalArgumentException if a field is null or blank, or the name does not match
     *                                  {@code [a-z][a-z0-9-]{0,63}}
     */
    public MethodDescriptor {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name '" + name + "' must be 1-64 lower-case letters, digits or dashes,"
                    + " starting with a letter");
        }
        for (String[] f : new String[][] {{"title", title}, {"reference", reference}, {"version", version}}) {
            if (f[1] == null || f[1].isBlank()) {
                throw new IllegalArgumentException(f[0] + " of method '" + name + "' must not be blank");
            }
        }
        if (needs == null) {
            throw new IllegalArgumentException("needs of method '" + name + "' must not be null (use an empty set)");
        }
        needs = Set.copyOf(needs);
    }
}
