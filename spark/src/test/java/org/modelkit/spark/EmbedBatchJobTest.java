package org.modelkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.Graph;
import org.modelkit.api.embed.Embedding;
import org.modelkit.embedder.betweenness.internal.BrandesKernel;
import org.modelkit.io.GraphFiles;

/**
 * Batch embedding of 20 graphs (five committed real ones, karate in two formats among them, and fifteen seeded random
 * ones) on {@code local[2]} equals 20 single runs of the embedder's pipeline, value for value; the embeddings are not collapsed; a graph without edges in
 * the folder fails the job naming its file.
 */
class EmbedBatchJobTest {
    static JavaSparkContext sc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        sc = LocalSpark.context();
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    /** A connected random graph: a ring of n nodes and n/2 seeded chords. */
    static String randomEdges(int n, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i).append(' ').append((i + 1) % n).append('\n');
        }
        for (int k = 0; k < n / 2; k++) {
            sb.append(r.nextInt(n)).append(' ').append(r.nextInt(n)).append('\n');
        }
        return sb.toString();
    }

    @Test
    void twentyGraphsEqualTwentySingleRuns() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("graphs"));
        // karate twice, as GML and as graph-tool: the two outputs keep their extensions apart
        for (String name : List.of("karate.gt.gz", "karate.gml", "football.gt.gz", "polbooks.gt.gz", "lesmis.gt.gz")) {
            Files.copy(Path.of("..", "testdata", "graphs", name), in.resolve(name));
        }
        for (int i = 0; i < 15; i++) {
            Files.writeString(in.resolve(String.format("random-%02d.edges", i)), randomEdges(40 + 10 * i, i));
        }
        Path out = tmp.resolve("out");
        List<EmbedBatchJob.Done> done = EmbedBatchJob.run(sc, in, out, 8, 42, 5);
        assertEquals(20, done.size());
        assertEquals(21, Files.readAllLines(out.resolve("graphs.csv")).size(), "graphs.csv: a header and 20 rows");
        List<Path> files = EmbedBatchJob.graphs(in);
        List<String> names = EmbedBatchJob.names(files);
        assertEquals(20, new HashSet<>(names).size(), "one output per graph: " + names);
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            Graph g = GraphFiles.read(file, null, null, null, false);
            Embedding single = BrandesKernel.embedWhole(g, 8, 42, 1);
            List<String> lines = Files.readAllLines(out.resolve(names.get(f) + ".csv"));
            assertEquals(g.nodeCount() + 1, lines.size(), file.toString());
            Set<String> distinct = new HashSet<>();
            for (int n = 0; n < g.nodeCount(); n++) {
                String[] cells = lines.get(n + 1).split(",");
                float[] expected = single.nodes().row(n);
                List<Float> got = new ArrayList<>();
                for (int j = 0; j < 8; j++) {
                    got.add(Float.parseFloat(cells[cells.length - 8 + j]));
                }
                for (int j = 0; j < 8; j++) {
                    assertEquals(expected[j], got.get(j), 0f, file.getFileName() + " node " + n + " x" + j);
                }
                distinct.add(got.toString());
            }
            // not collapsed: most nodes have their own vector
            assertTrue(distinct.size() > g.nodeCount() / 2, file.getFileName() + ": " + distinct.size()
                    + " distinct node vectors of " + g.nodeCount());
        }
    }

    @Test
    void aGraphWithoutEdgesFailsTheJobNamingItsFile() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(in.resolve("fine.edges"), randomEdges(30, 1));
        Files.writeString(in.resolve("loops.edges"), "0 0\n1 1\n");
        Exception e = assertThrows(Exception.class, () -> EmbedBatchJob.run(sc, in, tmp.resolve("out"), 4, 42, 2));
        Throwable c = e;
        while (c.getCause() != null && !c.getMessage().contains("loops.edges")) {
            c = c.getCause();
        }
        assertTrue(c.getMessage().contains("loops.edges"), e.toString());
    }
}
