package org.modelkit.api.model;

import java.util.regex.Pattern;

/**
 * Names one version of a model in a model store on disk: {@code <store>/<id>/<version>/}. A
 * {@link ModelStore} allocates versions as whole numbers 1, 2, ...
 *
 * @param id      the model's name: letters, digits, '.', '_' and '-', starting with a letter or digit
 * @param version the version: the same characters
 */
public record ModelHandle(String id, String version) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /**
     * @throws IllegalArgumentException if id or version is null or has other characters (they become
     *                                  directory names, so '/' and ".." are refused)
     */
    public ModelHandle {
        check(id, "id");
        check(version, "version");
    }

    /**
     * Checks a model id on its own (a reference without a version).
     *
     * @param id the id
     * @return the id
     * @throws IllegalArgumentException naming the id if it is not 1-128 letters, digits, '.', '_' or '-'
     *                                  starting with a letter or digit
     */
    public static String checkId(String id) {
        check(id, "id");
        return id;
    }

    private static void check(String s, String what) {
        if (s == null || !PART.matcher(s).matches() || s.contains("..")) {
            throw new IllegalArgumentException("model " + what + " '" + s + "' must be 1-128 letters, digits, '.', '_'"
                    + " or '-', start with a letter or digit, and not contain '..'");
        }
    }

    /**
     * Parses {@code id@version}.
     *
     * @param text for example "fashion-cnn@3"
     * @return the handle
     * @throws IllegalArgumentException if the text has no single '@' or a part is invalid
     */
    public static ModelHandle parse(String text) {
        if (text == null || text.indexOf('@') < 0 || text.indexOf('@') != text.lastIndexOf('@')) {
            throw new IllegalArgumentException("model handle '" + text + "' must have the form id@version");
        }
        int at = text.indexOf('@');
        return new ModelHandle(text.substring(0, at), text.substring(at + 1));
    }

    @Override
    public String toString() {
        return id + "@" + version;
    }
}
