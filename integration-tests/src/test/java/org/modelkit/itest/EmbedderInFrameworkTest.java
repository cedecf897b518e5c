package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.Graph;
import org.modelkit.api.embed.Embedder;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.method.Method;
import org.modelkit.api.progress.Progress;
import org.modelkit.io.GraphTool;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.TextTable;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class EmbedderInFrameworkTest {
    static final String PID = "org.modelkit.embedder.betweenness.spectral";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30000)
    CommandProcessor processor;

    @InjectService(timeout = 30000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 30000, filter = "(" + Method.NAME_PROPERTY + "=betweenness-spectral)")
    Embedder spectral;

    @TempDir
    Path tmp;

    CommandSession session;

    @BeforeEach
    void open() {
        PrintStream ps = new PrintStream(new ByteArrayOutputStream(), true);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
    }

    @AfterEach
    void close() throws Exception {
        if (session != null) { // a failed set-up must not cascade into NullPointerExceptions
            session.close();
        }
        Configuration c = configAdmin.getConfiguration(PID, "?");
        if (c.getProperties() != null) {
            c.delete();
            // the component is delayed: an instance made while a refused configuration ('fast') was still in
            // force fails, and the next test's injection then waited 30 s for nothing. Wait until a fresh
            // instance can be made again (the deletion has reached SCR).
            Await.until("the spectral embedder back on its defaults", () -> {
                try {
                    for (org.osgi.framework.ServiceReference<Embedder> r : context.getServiceReferences(Embedder.class,
                            "(" + Method.NAME_PROPERTY + "=betweenness-spectral)")) {
                        Embedder e = context.getService(r);
                        if (e != null) {
                            context.ungetService(r);
                            return true;
                        }
                    }
                } catch (org.osgi.framework.InvalidSyntaxException e) {
                    throw new IllegalStateException(e);
                }
                return false;
            });
        }
    }

    private Path testdata(String relative) {
        return Path.of(context.getProperty("modelkit.testdata"), relative);
    }

    @Test
    void theThreeEmbeddersAreListed() throws Exception {
        TextTable t = (TextTable) session.execute("modelkit:methods");
        List<String> names = t.rows().stream().map(r -> r.get(0)).toList();
        assertTrue(names.containsAll(List.of("betweenness-spectral", "laplacian-eigenmaps", "wks")), names.toString());
    }

    @Test
    void embedCommandWritesVectorsAndPicture() throws Exception {
        Path out = tmp.resolve("karate.csv");
        Summary s = assertInstanceOf(Summary.class, session.execute("modelkit:embed --labels "
                + testdata("graphs/karate-club.labels") + " -d 8 " + testdata("graphs/karate-weighted.edges") + " " + out));
        assertTrue(s.headline().startsWith("karate-weighted.edges: 34 nodes, 78 edges, betweenness-spectral d=8 in "),
                s.headline());
        assertTrue(s.headline().contains("conditioning min|1-mu*lambda| = 0.00231"), s.headline());
        List<String> lines = Files.readAllLines(out);
        assertEquals(35, lines.size());
        assertEquals("node,name,label,x0,x1,x2,x3,x4,x5,x6,x7", lines.get(0));
        assertTrue(lines.get(1).startsWith("0,0,0,"), lines.get(1));
        byte[] png = Files.readAllBytes(tmp.resolve("karate.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }

    @Test
    void badInputIsOneClearLineAndWritesNothing() throws Exception {
        Path out = tmp.resolve("none.csv");
        Exception missing = assertThrows(Exception.class,
                () -> session.execute("modelkit:embed " + tmp.resolve("no-such.gml") + " " + out));
        assertTrue(missing.getMessage().contains("no-such.gml"), missing.getMessage());
        Exception method = assertThrows(IllegalArgumentException.class,
                () -> session.execute("modelkit:embed -m node2vec " + testdata("graphs/karate.gml") + " " + out));
        assertTrue(method.getMessage().startsWith("no embedder named 'node2vec' is installed; installed: "
                + "betweenness-spectral, laplacian-eigenmaps, "), method.getMessage());
        // a wrong -m is refused before the graph is read (the file does not exist either)
        Exception first = assertThrows(IllegalArgumentException.class,
                () -> session.execute("modelkit:embed -m node2vec " + tmp.resolve("no-such.gml") + " " + out));
        assertTrue(first.getMessage().startsWith("no embedder named 'node2vec'"), first.getMessage());
        Exception dims = assertThrows(IllegalArgumentException.class,
                () -> session.execute("modelkit:embed -m laplacian-eigenmaps -d 40 " + testdata("graphs/karate.gml") + " " + out));
        assertEquals("dimensions = 40 must lie in [1, 33] for a graph of 34 nodes", dims.getMessage());
        assertTrue(!Files.exists(out) && !Files.exists(tmp.resolve("none.png")), "nothing written");
    }

    @Test
    void configurationChangesApplyWithoutReactivationAndBadOnesAreRefused() throws Exception {
        Graph football = GraphTool.read(testdata("graphs/football.gt.gz"), "value", null).graph();
        Embedder before = spectral;
        assertEquals(1.0, spectral.embed(football, 8, Progress.NONE).diagnostics().get("betweenness.exact"));

        Hashtable<String, Object> props = new Hashtable<>();
        props.put("betweenness.mode", "sampled");
        props.put("betweenness.samples", 20);
        configAdmin.getConfiguration(PID, "?").update(props);
        Await.until("the sampled configuration at the embedder",
                () -> spectral.embed(football, 8, Progress.NONE).diagnostics().get("betweenness.sources") == 20.0);
        Embedding e = spectral.embed(football, 8, Progress.NONE);
        assertEquals(0.0, e.diagnostics().get("betweenness.exact"));
        assertTrue(e.diagnostics().get("betweenness.errorBound") > 0);
        assertSame(before, context.getService(context.getServiceReferences(Embedder.class,
                "(" + Method.NAME_PROPERTY + "=betweenness-spectral)").iterator().next()), "the same component instance");

        props.put("betweenness.mode", "fast");
        configAdmin.getConfiguration(PID, "?").update(props);
        Thread.sleep(500);
        assertEquals(20.0, spectral.embed(football, 8, Progress.NONE).diagnostics().get("betweenness.sources"),
                "a refused configuration leaves the previous one in force");
    }
}
