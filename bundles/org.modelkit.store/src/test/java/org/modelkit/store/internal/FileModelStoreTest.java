package org.modelkit.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelIntegrityException;
import org.modelkit.api.model.PromotionGate;
import org.modelkit.api.model.StoredModel;

class FileModelStoreTest {
    static final Path CNN = testdata().resolve("models/fashion-cnn-leaky");

    @TempDir
    Path tmp;

    static Path testdata() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p.resolve("testdata");
    }

    private static StoredModel publish(FileModelStore s, String id, String content) throws IOException {
        return s.publish(id, null, "test 1.0", Map.of("content", content),
                d -> Files.writeString(d.resolve("parameters.params"), content));
    }

    /** Every path under root with its size and modification time. */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                out.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir " + Files.getLastModifiedTime(p)
                        : Files.size(p) + " " + Files.getLastModifiedTime(p));
            }
        }
        return out;
    }

    @Test
    void importOfTheCommittedCnnHoldsThreeFormatsAndIsIdempotent() throws IOException {
        FileModelStore s = FileModelStore.open(tmp.resolve("store"));
        StoredModel m = s.importModel(CNN, null);
        assertEquals("fashion-cnn-leaky@1", m.handle().toString());
        assertEquals(List.of("onnx", "torchscript", "djl-params"), m.formats());
        assertEquals(Files.readString(CNN.resolve("model.json")), m.spec(), "model.json verbatim");
        assertEquals("import", m.creator());
        assertTrue(m.current());
        assertEquals(4, m.files().size());
        for (var f : m.files()) {
            assertEquals(FileModelStore.sha256(CNN.resolve(f.name())), f.sha256(), f.name());
            assertEquals(Files.size(CNN.resolve(f.name())), f.size());
        }
        StoredModel open = s.open(s.resolve("fashion-cnn-leaky"));
        assertEquals(m.digest(), open.digest());
        assertFalse(Files.isWritable(open.directory().resolve("model.onnx")) && !isRoot(), "files are read-only");
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(open.directory().resolve("model.onnx"))));
        // the digest is that of the canonical metadata: the file's text re-serialised, whatever its indentation
        String text = Files.readString(open.directory().resolve(FileModelStore.META));
        assertEquals(m.digest(), Meta.sha256(Meta.parse(text).canonical().getBytes(StandardCharsets.UTF_8)));
        Map<String, String> before = tree(s.root());
        StoredModel again = s.importModel(CNN, null);
        assertEquals(m.handle(), again.handle(), "identical files give the existing version");
        assertEquals(before, tree(s.root()), "and change nothing");
        assertEquals(1, s.versions("fashion-cnn-leaky").size());
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void singleFilesAreImportedByFormat() throws IOException {
        FileModelStore s = FileModelStore.open(tmp.resolve("store"));
        StoredModel onnx = s.importModel(CNN.resolve("model.onnx"), "cnn-onnx");
        assertEquals(List.of("onnx"), onnx.formats());
        assertEquals(List.of("model.onnx"), onnx.files().stream().map(f -> f.name()).toList());
        StoredModel pt = s.importModel(CNN.resolve("model.pt"), null);
        assertEquals("model@1", pt.handle().toString());
        assertEquals(List.of("torchscript"), pt.formats());
    }

    @Test
    void versionsLineagePromotionRemovalAndPurge() throws IOException {
        List<String> refusals = new ArrayList<>();
        PromotionGate gate = new PromotionGate() {
            @Override
            public String name() {
                return "no-odd";
            }

            @Override
            public Optional<String> objection(StoredModel current, StoredModel candidate) {
                boolean odd = Integer.parseInt(candidate.handle().version()) % 2 == 1;
                if (odd) {
                    refusals.add(current.handle() + "->" + candidate.handle());
                }
                return odd ? Optional.of("version " + candidate.handle().version() + " is odd") : Optional.empty();
            }
        };
        FileModelStore s = FileModelStore.open(tmp.resolve("store"), FileModelStore.Settings.DEFAULT, () -> List.of(gate),
                FileModelStore.Hook.NONE);
        StoredModel v1 = publish(s, "m", "one");
        StoredModel v2 = s.publish("m", v1.handle(), "lqf 0.1.0", Map.of("acc", "0.9"),
                d -> Files.writeString(d.resolve("parameters.params"), "two"));
        StoredModel v3 = publish(s, "m", "three");
        assertEquals(List.of("m@1", "m@2", "m@3"), s.versions("m").stream().map(v -> v.handle().toString()).toList());
        assertEquals(v1.handle(), v2.parent());
        assertEquals("m@1", s.resolve("m").toString(), "the first version stays current until one is promoted");
        assertNotEquals(v1.digest(), v2.digest());

        IllegalStateException no = assertThrows(IllegalStateException.class, () -> s.promote(v3.handle()));
        assertTrue(no.getMessage().contains("no-odd") && no.getMessage().contains("version 3 is odd"), no.getMessage());
        assertEquals(List.of("m@1->m@3"), refusals);
        assertEquals("m@1", s.resolve("m").toString(), "a refused promotion keeps the pointer");
        assertTrue(s.promote(v2.handle()).current());
        assertEquals("m@2", s.resolve("m").toString());
        assertEquals("m@2", FileModelStore.open(s.root()).resolve("m").toString(), "and it holds in a new store");

        assertThrows(IllegalStateException.class, () -> s.remove(v2.handle()), "the current version cannot be removed");
        assertEquals(StoredModel.State.REMOVED, s.remove(v1.handle()).state());
        IllegalArgumentException gone = assertThrows(IllegalArgumentException.class, () -> s.resolve("m@1"));
        assertTrue(gone.getMessage().contains("removed"), gone.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.open(v1.handle()));
        assertEquals(StoredModel.State.AVAILABLE, s.restore(v1.handle()).state());
        assertEquals("m@1", s.resolve("m@1").toString());
        s.remove(v1.handle());
        StoredModel purged = s.purge(v1.handle());
        assertEquals(StoredModel.State.PURGED, purged.state());
        assertTrue(purged.purged() != null);
        try (Stream<Path> f = Files.list(v1.directory())) {
            assertEquals(List.of("meta.json"), f.map(p -> p.getFileName().toString()).toList());
        }
        StoredModel tomb = s.describe("m@1");
        assertEquals(v1.digest(), tomb.digest(), "the tombstone keeps the digests");
        assertEquals(v1.files(), tomb.files());
        assertEquals(v1.handle(), s.describe("m@2").parent(), "lineage stays readable");
        assertThrows(IllegalStateException.class, () -> s.restore(v1.handle()), "a purged version cannot come back");
        StoredModel v4 = publish(s, "m", "four");
        assertEquals("4", v4.handle().version(), "a purged version's number is never reused");
    }

    @Test
    void aFlippedByteIsRefusedNamingTheFileAndBothDigests() throws IOException {
        FileModelStore s = FileModelStore.open(tmp.resolve("store"));
        StoredModel m = s.importModel(CNN, null);
        Path params = m.directory().resolve("parameters.params");
        String good = m.files().stream().filter(f -> f.name().equals("parameters.params")).findFirst().orElseThrow().sha256();
        flip(params, 1000);
        ModelIntegrityException e = assertThrows(ModelIntegrityException.class, () -> s.open(m.handle()));
        assertEquals("parameters.params", e.file());
        assertEquals(good, e.expected());
        assertEquals(FileModelStore.sha256(params), e.actual());
        assertTrue(e.getMessage().contains(good) && e.getMessage().contains(e.actual()) && e.getMessage().contains("parameters.params"),
                e.getMessage());
        // with verify = never the flip goes unseen: that is what the setting means
        FileModelStore lax = FileModelStore.open(s.root(), new FileModelStore.Settings(false, Map.of()), List::of,
                FileModelStore.Hook.NONE);
        assertEquals(m.digest(), lax.open(m.handle()).digest());
        flip(params, 1000);
        assertEquals(m.digest(), s.open(m.handle()).digest(), "flipped back, it verifies again");
        // an added file is refused too
        Path added = m.directory().resolve("extra.bin");
        makeWritable(m.directory());
        Files.writeString(added, "x");
        ModelIntegrityException add = assertThrows(ModelIntegrityException.class, () -> s.open(m.handle()));
        assertEquals("extra.bin", add.file());
    }

    @Test
    void aPinCatchesAFileRewrittenWithItsMetadata() throws IOException {
        Path root = tmp.resolve("store");
        FileModelStore s = FileModelStore.open(root);
        StoredModel m = s.importModel(CNN, null);
        // a consistent rewrite: a new parameters.params, meta.json with its digest, state.json with the new digest
        Path dir = m.directory();
        makeWritable(dir);
        Path params = dir.resolve("parameters.params");
        flip(params, 2000);
        Meta old = Meta.parse(Files.readString(dir.resolve("meta.json")));
        List<org.modelkit.api.model.ModelFile> files = new ArrayList<>();
        for (var f : old.files()) {
            files.add(f.name().equals("parameters.params")
                    ? new org.modelkit.api.model.ModelFile(f.name(), f.size(), FileModelStore.sha256(params)) : f);
        }
        Meta forged = new Meta(old.schema(), old.id(), old.version(), old.formats(), old.spec(), old.parent(), old.creator(),
                old.created(), old.properties(), files);
        makeWritable(dir.resolve("meta.json"));
        Files.writeString(dir.resolve("meta.json"), forged.pretty());
        // without updating state.json the store sees the metadata changed
        ModelIntegrityException meta = assertThrows(ModelIntegrityException.class, () -> s.open(m.handle()));
        assertEquals("meta.json", meta.file());
        Path state = root.resolve("fashion-cnn-leaky/state.json");
        Files.writeString(state, Files.readString(state).replace(m.digest(), forged.digest()));
        assertEquals(forged.digest(), s.open(m.handle()).digest(), "a consistent rewrite passes without a pin");
        FileModelStore pinned = FileModelStore.open(root, new FileModelStore.Settings(true,
                FileModelStore.Settings.parsePins(new String[] {m.handle() + "=" + m.digest()})), List::of, FileModelStore.Hook.NONE);
        ModelIntegrityException e = assertThrows(ModelIntegrityException.class, () -> pinned.open(m.handle()));
        assertEquals(m.digest(), e.expected());
        assertEquals(forged.digest(), e.actual());
        assertThrows(IllegalArgumentException.class, () -> FileModelStore.Settings.parsePins(new String[] {"m@1=abc"}));
    }

    @Test
    void badIdsAndReferencesAreOneLineErrorsAndChangeNothing() throws IOException {
        FileModelStore s = FileModelStore.open(tmp.resolve("store"));
        StoredModel v1 = publish(s, "m", "one");
        StoredModel v2 = publish(s, "m", "two");
        s.remove(v2.handle());
        StoredModel v3 = publish(s, "m", "three");
        s.remove(v3.handle());
        s.purge(v3.handle());
        Map<String, String> before = tree(s.root());
        String longId = "a".repeat(129);
        for (String ref : List.of("../x", "a/b", ".x", "", longId, "x@", "x@1@2", "unknown", "m@7", "m@0", "m@01", "m@x",
                "m@2", "m@3")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.resolve(ref), ref);
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
            assertTrue(e.getMessage().contains("'" + ref.substring(0, Math.min(ref.length(), 20))), "names the input: "
                    + e.getMessage());
        }
        for (String ref : List.of("x@", "m@x", "m@0")) {
            String msg = assertThrows(IllegalArgumentException.class, () -> s.resolve(ref)).getMessage();
            assertTrue(msg.contains("is not a version number"), "says what a version is: " + msg);
        }
        for (String id : List.of("../x", "a/b", ".x", "", longId)) {
            assertThrows(IllegalArgumentException.class, () -> publish(s, id, "z"), id);
            assertThrows(IllegalArgumentException.class, () -> s.versions(id), id);
        }
        assertThrows(IllegalArgumentException.class, () -> s.promote(new ModelHandle("m", "7")));
        assertThrows(IllegalArgumentException.class, () -> s.remove(new ModelHandle("nope", "1")));
        assertThrows(IllegalStateException.class, () -> s.restore(v1.handle()));
        assertThrows(IllegalStateException.class, () -> s.purge(v1.handle()));
        assertThrows(IllegalArgumentException.class, () -> s.publish("m", new ModelHandle("m", "2"), "t", Map.of(),
                d -> Files.writeString(d.resolve("parameters.params"), "p")), "a removed parent is refused");
        assertEquals(before, tree(s.root()), "the store's tree (names, sizes, times) is unchanged");
    }

    @Test
    void badInputLeavesNoVersionNoStagingAndTheStateAsItWas() throws IOException {
        FileModelStore s = FileModelStore.open(tmp.resolve("store"));
        publish(s, "m", "one");
        Path empty = Files.createDirectories(tmp.resolve("empty-model"));
        Files.writeString(empty.resolve("notes.txt"), "no model here");
        Path truncated = tmp.resolve("cut.onnx");
        byte[] onnx = Files.readAllBytes(CNN.resolve("model.onnx"));
        Files.write(truncated, java.util.Arrays.copyOf(onnx, onnx.length / 2));
        Path notZip = tmp.resolve("fake.pt");
        Files.writeString(notZip, "not a zip archive");
        byte[] pt = Files.readAllBytes(CNN.resolve("model.pt"));
        Path cutPt = tmp.resolve("cut.pt");
        Files.write(cutPt, java.util.Arrays.copyOf(pt, pt.length - 100));
        Path badJson = Files.createDirectories(tmp.resolve("bad-json"));
        Files.copy(CNN.resolve("parameters.params"), badJson.resolve("parameters.params"));
        Files.writeString(badJson.resolve("model.json"), "{\"architecture\": ");
        Map<String, String> before = tree(s.root());
        for (Path bad : List.of(empty, truncated, notZip, cutPt, badJson, tmp.resolve("missing"), CNN.resolve("model.json"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.importModel(bad, "m"), bad.toString());
            assertTrue(e.getMessage().contains(bad.getFileName().toString()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.importModel(truncated, "m")).getMessage()
                .contains("truncated"));
        assertEquals(before, tree(s.root()), "a refused import touches nothing");
        // a writer that fails halfway (a full disk), and a writer that writes no model
        IOException full = assertThrows(IOException.class, () -> s.publish("m", null, "t", Map.of(), d -> {
            Files.write(d.resolve("parameters.params"), new byte[1 << 20]);
            throw new IOException("No space left on device");
        }));
        assertTrue(full.getMessage().contains("No space left on device") && full.getMessage().contains("m"), full.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> s.publish("m", null, "t", Map.of(),
                d -> Files.writeString(d.resolve("readme.txt"), "x")));
        assertTrue(none.getMessage().contains("no model file"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.publish("m", null, "t", Map.of(),
                d -> Files.createDirectory(d.resolve("sub"))));
        assertThrows(IllegalArgumentException.class, () -> s.publish("m", null, "t", Map.of(),
                d -> Files.writeString(d.resolve("meta.json"), "{}")));
        assertEquals(1, s.versions("m").size());
        try (Stream<Path> st = Files.list(s.root().resolve(".staging"))) {
            assertEquals(List.of(), st.toList(), "no staging left");
        }
        Map<String, String> after = tree(s.root());
        after.remove(".staging");
        before.remove(".staging");
        assertEquals(before, after, "state.json and the versions are as they were");
    }

    @Test
    void theOnnxCheckAcceptsTheCommittedModelAndRefusesDamage() throws IOException {
        byte[] b = Files.readAllBytes(CNN.resolve("model.onnx"));
        assertNull(ContentChecks.wellFormed(b, 0, b.length, true));
        assertTrue(ContentChecks.wellFormed(b, 0, b.length - 1, true) != null, "one byte short");
        byte[] noGraph = {0x08, 0x07}; // ir_version only
        assertEquals("it has no graph (field 7)", ContentChecks.wellFormed(noGraph, 0, 2, true));
        byte[] zip = Files.readAllBytes(CNN.resolve("model.pt"));
        assertTrue(ContentChecks.wellFormed(zip, 0, zip.length, true) != null, "a zip is not ONNX");
    }

    static void flip(Path file, long at) throws IOException {
        makeWritable(file);
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            ch.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x01));
            one.rewind();
            ch.write(one, at);
        }
    }

    static void makeWritable(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
    }
}
