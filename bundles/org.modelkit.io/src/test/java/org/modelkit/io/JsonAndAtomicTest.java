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

    @Test
    void severalFilesAreWrittenAsAWholeOrNotAtAll() throws IOException {
        Path a = tmp.resolve("out.csv");
        Path b = tmp.resolve("out-top.png");
        Files.writeString(a, "old a");
        Map<Path, AtomicFiles.Writer> ok = new java.util.LinkedHashMap<>();
        ok.put(a, out -> out.write("new a".getBytes()));
        ok.put(b, out -> out.write("new b".getBytes()));
        AtomicFiles.writeAll(ok);
        assertEquals("new a", Files.readString(a));
        assertEquals("new b", Files.readString(b));
        // a writer fails: nothing changes
        Map<Path, AtomicFiles.Writer> bad = new java.util.LinkedHashMap<>();
        bad.put(a, out -> out.write("newer a".getBytes()));
        bad.put(b, out -> {
            throw new IOException("the picture cannot be drawn");
        });
        assertEquals("the picture cannot be drawn", assertThrows(IOException.class, () -> AtomicFiles.writeAll(bad)).getMessage());
        assertEquals("new a", Files.readString(a));
        assertEquals("new b", Files.readString(b));
        // the second rename fails (its name is taken by a folder that is not empty): the first file gets its
        // previous content back, the third is never created
        Path folder = Files.createDirectories(tmp.resolve("out-hist.png"));
        Files.writeString(folder.resolve("inside"), "keep");
        Path c = tmp.resolve("z.txt");
        Map<Path, AtomicFiles.Writer> clash = new java.util.LinkedHashMap<>();
        clash.put(a, out -> out.write("newest a".getBytes()));
        clash.put(folder, out -> out.write("h".getBytes()));
        clash.put(c, out -> out.write("c".getBytes()));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeAll(clash));
        assertEquals(true, e.getMessage().contains("out-hist.png") && !e.getMessage().contains(".tmp"), e.getMessage());
        assertEquals("new a", Files.readString(a));
        assertEquals(false, Files.exists(c));
        assertEquals(List.of("out-hist.png", "out-top.png", "out.csv"),
                Files.list(tmp).map(p -> p.getFileName().toString()).sorted().toList(), "no temporary or backup file left");
    }
}
