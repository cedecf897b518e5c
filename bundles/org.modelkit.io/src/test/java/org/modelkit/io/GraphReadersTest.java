package org.modelkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modelkit.io.TestFiles.assertMalformed;
import static org.modelkit.io.TestFiles.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.Graph;

class GraphReadersTest {
    @TempDir
    Path tmp;

    @Test
    void readsKarateFromGmlAndEdgeListAlike() throws IOException {
        Graph gml = Gml.read(data("graphs/karate.gml"), null);
        assertEquals(34, gml.nodeCount());
        assertEquals(78, gml.edgeCount());
        assertFalse(gml.directed());
        assertFalse(gml.weighted());
        assertEquals("1", gml.names().get(0));

        Graph el = EdgeList.withLabels(EdgeList.read(data("graphs/karate-weighted.edges"), false),
                data("graphs/karate-club.labels"));
        assertEquals(34, el.nodeCount());
        assertEquals(78, el.edgeCount());
        assertTrue(el.weighted());
        assertEquals(17, Arrays.stream(el.labels()).filter(l -> l == 0).count(), "Mr. Hi's faction has 17 members");
        // same structure: GML ids are 1-based, the edge list 0-based
        for (int u = 0; u < 34; u++) {
            assertArrayEquals(gml.neighbours(u), el.neighbours(u), "neighbours of node " + u);
        }
        assertEquals(16, el.degree(0));
        assertEquals(17, el.degree(33));
    }

    @Test
    void edgeListRoundTripsWithNamesAndWeights() throws IOException {
        Graph g = EdgeList.read(data("graphs/karate-weighted.edges"), false);
        Path p = tmp.resolve("k.edges");
        EdgeList.write(p, g);
        Graph back = EdgeList.read(p, false);
        assertArrayEquals(g.targets(), back.targets());
        assertArrayEquals(g.weights(), back.weights());
        assertEquals(g.names(), back.names());
    }

    @Test
    void gmlReadsLabelsAndWeightsAndDirection() throws IOException {
        Path p = tmp.resolve("g.gml");
        Files.writeString(p, "# comment\ngraph [ directed 1\n node [ id 10 label \"a b\" club \"x\" ]\n"
                + " node [ id 20 club \"y\" ] node [ id 30 club \"x\" ]\n"
                + " edge [ source 10 target 20 weight 2.5 ] edge [ source 20 target 30 weight 1 ] ]\n");
        Graph g = Gml.read(p, "club");
        assertTrue(g.directed());
        assertTrue(g.weighted());
        assertArrayEquals(new int[] {0, 1, 0}, g.labels());
        assertEquals("a b", g.names().get(0));
        assertEquals("20", g.names().get(1));
        assertArrayEquals(new double[] {2.5, 1}, g.weights());
    }

    private Path file(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void rejectsMalformedGml() throws IOException {
        Path none = file("none.gml", "Creator \"x\"\n");
        assertMalformed(none, "no 'graph [ ... ]' block", () -> Gml.read(none, null));
        Path open = file("open.gml", "graph [ node [ id 1 ]\n");
        assertMalformed(open, "a '[' is not closed", () -> Gml.read(open, null));
        Path stray = file("stray.gml", "graph [ ]\n]\n");
        assertMalformed(stray, "line 2: ']' without a matching '['", () -> Gml.read(stray, null));
        Path dangling = file("dangling.gml", "graph [ node [ id 1 ] edge [ source 1 target 7 ] ]");
        assertMalformed(dangling, "edge 1 refers to target 7, which is not a declared node", () -> Gml.read(dangling, null));
        Path dup = file("dup.gml", "graph [ node [ id 1 ] node [ id 1 ] ]");
        assertMalformed(dup, "node id 1 is declared twice", () -> Gml.read(dup, null));
        Path noId = file("noid.gml", "graph [ node [ label \"a\" ] ]");
        assertMalformed(noId, "node 1 has no integer id", () -> Gml.read(noId, null));
        Path bad = file("bad.gml", "graph [\n node [ id one ] ]");
        assertMalformed(bad, "line 2: value of 'id' is 'one', neither a number, a string nor a list", () -> Gml.read(bad, null));
        Path deep = file("deep.gml", "graph " + "[ a ".repeat(100));
        assertMalformed(deep, "nested deeper than 32", () -> Gml.read(deep, null));
        Path weight = file("weight.gml", "graph [ node [ id 1 ] node [ id 2 ] edge [ source 1 target 2 weight -1 ] ]");
        assertMalformed(weight, "edge 1 has weight -1.0; weights must be finite and positive", () -> Gml.read(weight, null));
        Path unlabelled = file("unlabelled.gml", "graph [ node [ id 1 value 0 ] node [ id 2 ] ]");
        assertMalformed(unlabelled, "node id 2 has no 'value'", () -> Gml.read(unlabelled, "value"));
        Path string = file("string.gml", "graph [ node [ id 1 label \"abc ]");
        assertMalformed(string, "line 1: string is not closed", () -> Gml.read(string, null));
    }

    @Test
    void rejectsMalformedEdgeLists() throws IOException {
        Path four = file("four.edges", "1 2\n1 2 3 4\n");
        assertMalformed(four, "line 2 has 4 fields; expected 'u v' or 'u v weight'", () -> EdgeList.read(four, false));
        Path mixed = file("mixed.edges", "1 2 0.5\n2 3\n");
        assertMalformed(mixed, "line 2 has 2 fields but earlier edges have 3", () -> EdgeList.read(mixed, false));
        Path negative = file("negative.edges", "1 2 -3\n");
        assertMalformed(negative, "line 1: weight -3 must be finite and positive", () -> EdgeList.read(negative, false));
        Path word = file("word.edges", "1 2 heavy\n");
        assertMalformed(word, "line 1: weight 'heavy' is not a number", () -> EdgeList.read(word, false));
        Path empty = file("empty.edges", "# nothing\n");
        assertMalformed(empty, "no edges", () -> EdgeList.read(empty, false));
        Graph g = EdgeList.read(file("ok.edges", "a b\nb c\n"), false);
        Path unknown = file("unknown.labels", "a 1\nz 2\n");
        assertMalformed(unknown, "line 2: node 'z' is not in the graph", () -> EdgeList.withLabels(g, unknown));
        Path missing = file("missing.labels", "a 1\nb 0\n");
        assertMalformed(missing, "node 'c' has no label", () -> EdgeList.withLabels(g, missing));
        Path twice = file("twice.labels", "a 1\na 0\n");
        assertMalformed(twice, "line 2: node 'a' is labelled twice", () -> EdgeList.withLabels(g, twice));
    }

    @Test
    void keepsSelfLoopsAndRepeatedEdgesForMethodsToJudge() throws IOException {
        Graph g = EdgeList.read(file("multi.edges", "0 0\n0 1\n1 0\n"), false);
        assertTrue(g.hasSelfLoops());
        assertTrue(g.hasParallelEdges());
        assertEquals(3, g.edgeCount());
    }
}
