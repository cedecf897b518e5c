package org.modelkit.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file is not in the format it should be; the message names the file and the problem. */
public class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param source  the file (or stream name) being read
     * @param problem what is wrong, and where
     */
    public FormatException(String source, String problem) {
        super(source + ": " + problem);
    }

    /**
     * @param source  the file being read
     * @param problem what is wrong, and where
     */
    public FormatException(Path source, String problem) {
        this(String.valueOf(source.getFileName()), problem);
    }
}
