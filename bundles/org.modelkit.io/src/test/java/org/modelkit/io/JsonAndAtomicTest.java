package org.modelkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.modelkit.io.TestFiles.assertMalformed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonAndAtomicTest {
    record Result(String method, int nodes, double seconds, List<String> notes) {
    }

    @TempDir
    Path tmp;

    @Test
    void jsonRoundTripsRecords() throws IOException {
        Result r = new Result("wks", 34, 0.25, List.of("a", "b"));
        Path p = tmp.resolve("r.json");
        Json.write(p, r);
        assertEquals(r, Json.read(p, Result.class));
    }

    @Test
    void jsonRejectsBadInputAndNonFiniteNumbers() throws IOException {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"method\": \"wks\", \"nodes\": \"many\"}");
        assertMalformed(bad, "is not valid JSON for Result", () -> Json.read(bad, Result.class));
        Path empty = tmp.resolve("empty.json");
        Files.writeString(empty, "");
        assertMalformed(empty, "is empty", () -> Json.read(empty, Result.class));
        Path out = tmp.resolve("nan.json");
        assertThrows(IllegalArgumentException.class, () -> Json.write(out, Map.of("x", Double.NaN)));
        assertEquals(List.of(), List.of(tmp.toFile().list()).stream().filter(n -> n.startsWith("nan")).toList());
    }

    @Test
    void writtenFilesGetOrdinaryPermissionsOrKeepTheTargetsOwn() throws IOException {
        Path p = tmp.resolve("new.txt");
        AtomicFiles.writeString(p, "x");
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        AtomicFiles.writeString(p, "y");
        assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    }

    @Test
    void failedWriteLeavesThePreviousFileAndNoTemporary() throws IOException {
        Path p = tmp.resolve("keep.txt");
        AtomicFiles.writeString(p, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(p, out -> {
            out.write("new, half".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(p));
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("keep.txt"), s.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void aFailedWriteNamesTheUsersFileNeverTheTemporaryOne() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("x.csv")); // the target's name is taken by a folder
        Files.writeString(folder.resolve("inside"), "keep");
        IOException e = assertThrows(IOException.class, () -> Csv.writeRows(folder, List.of("a"), List.of(List.of(1))));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("cannot write '" + folder + "': "), e.getMessage());
        org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().contains(".tmp"), e.getMessage());
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("x.csv"), s.map(f -> f.getFileName().toString()).toList(), "no temporary file left");
        }
        Path notAFolder = Files.writeString(tmp.resolve("plain"), "x");
        IOException e2 = assertThrows(IOException.class, () -> AtomicFiles.writeString(notAFolder.resolve("y.txt"), "y"));
        org.junit.jupiter.api.Assertions.assertFalse(e2.getMessage().contains(".tmp"), e2.getMessage());
    }
}
