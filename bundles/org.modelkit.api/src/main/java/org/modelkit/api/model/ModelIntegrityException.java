package org.modelkit.api.model;

/**
 * A stored version's files are not the files that were published: a file's SHA-256 differs from its
 * metadata, a file is missing or was added, or the metadata differs from its recorded or pinned digest.
 */
public class ModelIntegrityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String expected;
    private final String actual;

    /**
     * @param message  one line naming the version, the file and both digests
     * @param file     the file that failed (a name inside the version's folder)
     * @param expected the digest it should have, or null if the file should not exist
     * @param actual   the digest it has, or null if it is missing
     */
    public ModelIntegrityException(String message, String file, String expected, String actual) {
        super(message);
        this.file = file;
        this.expected = expected;
        this.actual = actual;
    }

    /** @return the file that failed, a name inside the version's folder */
    public String file() {
        return file;
    }

    /** @return the digest the file should have, or null if it should not exist */
    public String expected() {
        return expected;
    }

    /** @return the digest it has, or null if it is missing */
    public String actual() {
        return actual;
    }
}
