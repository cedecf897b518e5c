package org.modelkit.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The committed fixtures (testdata/ at the top of the repository) and helpers for malformed copies. */
final class TestFiles {
    static final Path TESTDATA = locate();

    private TestFiles() {
    }

    private static Path locate() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("testdata/ not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("testdata");
    }

    static Path data(String relative) {
        return TESTDATA.resolve(relative);
    }

    interface Read {
        void run() throws IOException;
    }

    /** Asserts that reading fails with a FormatException whose message names the file and contains the text. */
    static FormatException assertMalformed(Path file, String expected, Read read) {
        FormatException e = assertThrows(FormatException.class, read::run);
        assertTrue(e.getMessage().startsWith(file.getFileName().toString() + ": "),
                () -> "message '" + e.getMessage() + "' does not start with the file name " + file.getFileName());
        assertTrue(e.getMessage().contains(expected),
                () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
        return e;
    }
}
