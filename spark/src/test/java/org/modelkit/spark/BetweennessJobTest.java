package org.modelkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.Graph;
import org.modelkit.embedder.betweenness.internal.BrandesKernel;
import org.modelkit.io.GraphFiles;

/**
 * The distributed betweenness on {@code local[2]} against the single-JVM kernel (all sources in one call): equal to
 * 1e-12 relative per edge whatever the partitioning, on a real graph and on a weighted one; a task that fails once is
 * retried and the result is still exact; a malformed graph fails the job before any partition, naming file and line.
 */
class BetweennessJobTest {
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

    static Path testdata(String name) {
        Path p = Path.of("..", "testdata", "graphs", name);
        assertTrue(Files.exists(p), p + " (committed fixture)");
        return p;
    }

    /** @return the single-JVM exact betweenness: every source in one call of the kernel */
    static double[] single(Path file, String weights, boolean weightedPaths) throws Exception {
        Graph g = GraphFiles.read(file, null, null, weights, false);
        BrandesKernel k = BrandesKernel.of(g, weightedPaths);
        int[] all = new int[k.nodes()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return k.exact(k.sum(all, 2)).values();
    }

    static void assertClose(double[] expected, double[] got, String what) {
        assertEquals(expected.length, got.length, what);
        double worst = 0;
        for (int e = 0; e < expected.length; e++) {
            double rel = Math.abs(got[e] - expected[e]) / Math.max(Math.abs(expected[e]), Double.MIN_NORMAL);
            worst = Math.max(worst, rel);
        }
        assertTrue(worst <= 1e-12, what + ": largest relative difference " + worst);
    }

    @Test
    void exactEqualsTheSingleJvmResultWhateverThePartitioning() throws Exception {
        Path file = testdata("hep-th.gt.gz");
        double[] expected = single(file, null, false);
        // not degenerate: hep-th's betweenness spans orders of magnitude
        double max = java.util.Arrays.stream(expected).max().orElseThrow();
        double min = java.util.Arrays.stream(expected).min().orElseThrow();
        assertTrue(max > 1000 * min && min > 0, "spread " + min + " .. " + max);
        for (int partitions : List.of(1, 3, 7)) {
            BetweennessJob.Result r = BetweennessJob.run(sc, new BetweennessJob.Options(file, null, false, partitions,
                    0, 42, 0));
            assertTrue(r.betweenness().exact());
            assertClose(expected, r.betweenness().values(), "hep-th, " + partitions + " partitions");
        }
    }

    @Test
    void weightedPathsToo() throws Exception {
        // Les Misérables' co-appearance counts as path lengths, and karate's interaction weights
        for (String[] graph : List.of(new String[] {"lesmis.gt.gz", "value"}, new String[] {"karate-weighted.edges",
                null})) {
            Path file = testdata(graph[0]);
            double[] expected = single(file, graph[1], true);
            double[] unweighted = single(file, graph[1], false);
            assertTrue(!java.util.Arrays.equals(expected, unweighted), graph[0] + ": the weights change the paths");
            for (int partitions : List.of(1, 3, 7)) {
                BetweennessJob.Result r = BetweennessJob.run(sc, new BetweennessJob.Options(file, graph[1], true,
                        partitions, 0, 42, 0));
                assertClose(expected, r.betweenness().values(), graph[0] + " weighted, " + partitions + " partitions");
            }
        }
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheResultIsStillExact() throws Exception {
        Path file = testdata("polbooks.gt.gz");
        double[] expected = single(file, null, false);
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
                if (end.taskInfo().failed()) {
                    failed.incrementAndGet();
                }
            }
        };
        sc.sc().addSparkListener(listener);
        sc.setLocalProperty(BetweennessJob.FAIL_ONCE, "1");
        try {
            BetweennessJob.Result r = BetweennessJob.run(sc, new BetweennessJob.Options(file, null, false, 3, 0, 42,
                    0));
            assertClose(expected, r.betweenness().values(), "polbooks with partition 1 failing once");
            long end = System.nanoTime() + 10_000_000_000L; // the listener bus delivers asynchronously
            while (failed.get() == 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(1, failed.get(), "failed task attempts (the injected one, retried)");
        } finally {
            sc.setLocalProperty(BetweennessJob.FAIL_ONCE, null);
            sc.sc().removeSparkListener(listener);
        }
    }

    @Test
    void theResultFolderHoldsOneRowPerEdgeAndAnEmbedding() throws Exception {
        Path file = testdata("polbooks.gt.gz");
        BetweennessJob.Result r = BetweennessJob.run(sc, new BetweennessJob.Options(file, null, false, 3, 0, 42, 4));
        Path out = tmp.resolve("out");
        BetweennessJob.write(r, out);
        List<String> rows = Files.readAllLines(out.resolve("betweenness.csv"));
        assertEquals("source,target,betweenness", rows.get(0));
        assertEquals(r.kernel().edges() + 1, rows.size());
        List<String> nodes = Files.readAllLines(out.resolve("embedding.csv"));
        assertEquals(r.kernel().nodes() + 1, nodes.size());
        // the embedding is not collapsed: its node vectors differ
        assertTrue(nodes.stream().skip(1).map(l -> l.substring(l.indexOf(',', l.indexOf(',') + 1))).distinct().count()
                > r.kernel().nodes() / 2, "distinct node vectors");
        // OUT ending in .csv: the betweenness as one file, the embedding beside it
        Path csv = tmp.resolve("polbooks-ebc.csv");
        BetweennessJob.write(r, csv);
        assertEquals(rows, Files.readAllLines(csv));
        assertEquals(nodes, Files.readAllLines(tmp.resolve("polbooks-ebc-embedding.csv")));
    }

    @Test
    void aMalformedGraphFailsTheJobNamingFileAndLine() throws Exception {
        Path bad = tmp.resolve("bad.edges");
        Files.writeString(bad, "0 1 1.5\n1 2 2\n2 3 heavy\n");
        int jobsBefore = LocalSpark.jobs(sc);
        Exception e = assertThrows(Exception.class, () -> BetweennessJob.run(sc, new BetweennessJob.Options(bad, null,
                false, 3, 0, 42, 0)));
        assertTrue(e.getMessage().contains("bad.edges") && e.getMessage().contains("line 3"), e.getMessage());
        assertEquals(jobsBefore, LocalSpark.jobs(sc), "no Spark job was started");
    }
}
