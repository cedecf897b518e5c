package org.modelkit.api.model;

import java.util.regex.Pattern;

/**
 * One file of a stored model version, as its metadata records it.
 *
 * @param name   the file's name inside the version's folder (no directories)
 * @param size   its length in bytes
 * @param sha256 its SHA-256, 64 lower-case hexadecimal digits
 */
public record ModelFile(String name, long size, String sha256) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    /** @throws IllegalArgumentException if the name holds a path separator, the size is negative or the digest is not hex */
    public ModelFile {
        if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".")
                || name.equals("..")) {
            throw new IllegalArgumentException("model file name '" + name + "' must be a plain file name");
        }
        if (size < 0) {
            throw new IllegalArgumentException("model file '" + name + "': size " + size + " is negative");
        }
        if (sha256 == null || !HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("model file '" + name + "': '" + sha256 + "' is not a SHA-256 in hex");
        }
    }
}
