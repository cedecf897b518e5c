package org.modelkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modelkit.io.TestFiles.assertMalformed;
import static org.modelkit.io.TestFiles.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.Graph;

class GraphToolTest {
    @TempDir
    Path tmp;

    @Test
    void karateMatchesTheGmlVersion() throws IOException {
        Graph gt = GraphTool.read(data("graphs/karate.gt.gz"), null, null).graph();
        Graph gml = Gml.read(data("graphs/karate.gml"), null);
        assertEquals(34, gt.nodeCount());
        assertEquals(78, gt.edgeCount());
        assertFalse(gt.directed());
        for (int u = 0; u < 34; u++) {
            assertArrayEquals(gml.neighbours(u), gt.neighbours(u), "neighbours of " + u);
        }
    }

    @Test
    void readsLabelsAndWeights() throws IOException {
        GraphTool.Content football = GraphTool.read(data("graphs/football.gt.gz"), "value", null);
        assertEquals(115, football.graph().nodeCount());
        assertEquals(613, football.graph().edgeCount());
        assertEquals(12, Arrays.stream(football.graph().labels()).distinct().count(), "12 conferences");
        assertTrue(football.properties().contains(new GraphTool.Property("vertex", "value", "int32")),
                football.properties().toString());
        assertEquals("BrighamYoung", football.graph().names().get(0));

        Graph polbooks = GraphTool.read(data("graphs/polbooks.gt.gz"), "value", null).graph();
        assertEquals(105, polbooks.nodeCount());
        assertEquals(441, polbooks.edgeCount());
        assertEquals(3, Arrays.stream(polbooks.labels()).distinct().count(), "3 leanings");
        // string labels keep their names (in order of first appearance), integer ones have none
        assertEquals(java.util.Set.of("l", "n", "c"), java.util.Set.copyOf(polbooks.labelNames()));
        assertEquals(3, polbooks.labelNames().size());
        assertEquals(null, football.graph().labelNames());

        Graph lesmis = GraphTool.read(data("graphs/lesmis.gt.gz"), null, "value").graph();
        assertEquals(77, lesmis.nodeCount());
        assertEquals(254, lesmis.edgeCount());
        assertTrue(lesmis.weighted());
        assertEquals(Arrays.stream(lesmis.weights()).max().orElseThrow(), 31.0, "the Valjean-Cosette weight");
    }

    private byte[] unzipped(String name) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(data(name)))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        }
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void rejectsMalformedFiles() throws IOException {
        byte[] karate = unzipped("graphs/karate.gt.gz");
        byte[] magic = karate.clone();
        magic[0] = 'x';
        Path badMagic = file("magic.gt", magic);
        assertMalformed(badMagic, "bad magic bytes", () -> GraphTool.read(badMagic, null, null));
        byte[] version = karate.clone();
        version[6] = 7;
        Path badVersion = file("version.gt", version);
        assertMalformed(badVersion, "gt version 7 is not supported", () -> GraphTool.read(badVersion, null, null));
        Path truncated = file("truncated.gt", Arrays.copyOf(karate, karate.length / 2));
        assertMalformed(truncated, "truncated", () -> GraphTool.read(truncated, null, null));
        Path trailing = file("trailing.gt", Arrays.copyOf(karate, karate.length + 3));
        assertMalformed(trailing, "trailing data", () -> GraphTool.read(trailing, null, null));
        Path good = file("karate.gt", karate);
        assertMalformed(good, "has no vertex property 'club'", () -> GraphTool.read(good, "club", null));
        // the properties the file holds are listed as a user reads them, not as Java records
        String listed = assertThrows(FormatException.class, () -> GraphTool.read(good, "club", null)).getMessage();
        assertFalse(listed.contains("Property["), listed);
        assertTrue(listed.matches(".*properties: \\[.*\\w+ \\((graph|vertex|edge), \\w+\\).*"), listed);
        assertMalformed(good, "has no edge property 'weight'", () -> GraphTool.read(good, null, "weight"));
        // a vertex count of 2^40 in the header: refused before anything that size is allocated
        byte[] huge = karate.clone();
        int nAt = 8 + 8 + (int) java.nio.ByteBuffer.wrap(karate, 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong() + 1;
        huge[nAt + 5] = 1;
        Path hugeN = file("huge.gt", huge);
        assertMalformed(hugeN, "vertex count 1099511627810 is too large", () -> GraphTool.read(hugeN, null, null));
    }
}
