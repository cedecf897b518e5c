package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.modelkit.api.data.Graph;
import org.modelkit.api.embed.Embedder;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.progress.Progress;
import org.modelkit.io.Gml;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.TextTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ShellCommandsTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30000)
    CommandProcessor processor;

    @InjectService(timeout = 30000, filter = "(" + Method.NAME_PROPERTY + "=test-degree)")
    Embedder degree;

    CommandSession session;
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void open() {
        PrintStream ps = new PrintStream(out, true);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
    }

    @AfterEach
    void close() {
        if (session != null) { // a failed set-up must not cascade into NullPointerExceptions
            session.close();
        }
    }

    @Test
    void versionAnswers() throws Exception {
        Summary v = assertInstanceOf(Summary.class, session.execute("modelkit:version"));
        assertEquals("0.1.0.SNAPSHOT", v.fields().get("modelkit"));
        assertTrue(v.fields().get("framework").startsWith("org.apache.felix.framework 7."), v.fields().toString());
        assertTrue(v.fields().get("java").startsWith("17"), v.fields().toString());
    }

    @Test
    void methodsListsInstalledMethodsAndFollowsTheRegistry() throws Exception {
        TextTable t = assertInstanceOf(TextTable.class, session.execute("modelkit:methods"));
        assertEquals(List.of("NAME", "INTERFACE", "BUNDLE", "VERSION", "BACKEND"), t.header());
        List<String> row = t.rows().stream().filter(r -> r.get(0).equals("test-degree")).findFirst().orElseThrow();
        assertEquals("Embedder", row.get(1));
        assertTrue(row.get(2).startsWith("integration-tests-tests ["), row.get(2));
        assertEquals("pure Java", row.get(4));

        // a method registered by hand appears at once, and disappears when unregistered
        Method other = () -> new MethodDescriptor("hand-made", "Registered by the test", "baseline", "2.0.0", Set.of());
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Method.NAME_PROPERTY, "hand-made");
        ServiceRegistration<Method> reg = context.registerService(Method.class, other, props);
        try {
            TextTable with = (TextTable) session.execute("modelkit:methods");
            assertEquals(List.of("hand-made", "", "integration-tests-tests [" + context.getBundle().getBundleId() + "]",
                    "2.0.0", "pure Java"), with.rows().stream().filter(r -> r.get(0).equals("hand-made")).findFirst()
                    .orElseThrow());
        } finally {
            reg.unregister();
        }
        TextTable without = (TextTable) session.execute("modelkit:methods");
        assertFalse(without.rows().stream().anyMatch(r -> r.get(0).equals("hand-made")));
    }

    @Test
    void infoDescribesOneMethodAndNamesTheMissingOne() throws Exception {
        Summary s = assertInstanceOf(Summary.class, session.execute("modelkit:info test-degree"));
        assertEquals("test-degree: Weighted node degree (integration-test method)", s.headline());
        assertEquals("baseline", s.fields().get("reference"));
        assertEquals("nothing (pure Java)", s.fields().get("needs"));
        assertEquals("Embedder", s.fields().get("interfaces"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> session.execute("modelkit:info nosuch"));
        assertTrue(e.getMessage().startsWith("no method named 'nosuch' is installed; installed: "), e.getMessage());
        assertTrue(e.getMessage().contains("test-degree"), e.getMessage());
    }

    @Test
    void aWrongCallGetsAUsageLineAndHelpShowsDefaults() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> session.execute("modelkit:embed only-one-argument.gml"));
        assertTrue(e.getMessage().startsWith("embed: expected 2 arguments, got 1\nusage: embed [-m METHOD] [-d DIMENSIONS]"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(" GRAPH OUT\n(modelkit:help embed describes every option)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> session.execute("modelkit:info"));
        assertTrue(e.getMessage().startsWith("info: expected 1 argument, got 0\nusage: info NAME"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> session.execute("modelkit:embed -d NaN a.gml b.csv"));
        assertEquals("-d 'NaN': expected a whole number from 1 to 4096", e.getMessage());
        String help = session.execute("modelkit:help embed").toString();
        assertTrue(help.contains("-d, --dimensions DIMENSIONS") && help.contains("(default 16)"), help);
        String all = session.execute("modelkit:help").toString();
        for (String c : List.of("methods", "info NAME", "embed ", "backends", "backend ACTION ID")) {
            assertTrue(all.contains("\n  " + c), c + " missing from modelkit:help:\n" + all);
        }
    }

    @Test
    void resultsAreFormattedByTheShellConverter() throws Exception {
        Object r = session.execute("modelkit:methods");
        CharSequence full = session.format(r, Converter.INSPECT);
        assertEquals(((TextTable) r).render(), full.toString());
        CharSequence line = session.format(r, Converter.LINE);
        assertTrue(line.toString().endsWith("rows of [NAME, INTERFACE, BUNDLE, VERSION, BACKEND]"), line.toString());
    }

    @Test
    void aMethodServiceRunsOnDataReadByTheIoBundleInsideTheFramework() throws Exception {
        Path karate = Path.of(context.getProperty("modelkit.testdata"), "graphs/karate.gml");
        Graph g = Gml.read(karate, null);
        Embedding e = degree.embed(g, 1, Progress.NONE);
        assertEquals(16f, e.nodes().get(0, 0));
        assertEquals(17f, e.nodes().get(33, 0));
        assertThrows(IllegalArgumentException.class, () -> degree.embed(g, 2, Progress.NONE));
    }
}
