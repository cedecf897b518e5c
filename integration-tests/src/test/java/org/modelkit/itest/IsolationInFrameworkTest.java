package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.classify.Classifier;
import org.modelkit.api.method.Method;
import org.modelkit.itest.hanging.Hanging;
import org.modelkit.shell.format.CallTimeoutException;
import org.modelkit.shell.format.MethodStats;
import org.modelkit.shell.format.Summary;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Issue 20, isolation: a method call that hangs does not take the shell or the other methods with it (its time
 * limit, {@code modelkit.timeout}, returns the command; the bundle stops within 5 s and its commands go), and two
 * shell sessions running jobs on the same backend at once get the results they get one after the other. (A bundle
 * whose activate throws: HealthInFrameworkTest.)
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class IsolationInFrameworkTest {
    static final String HANG_PID = "com.example.hanging";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30000)
    CommandProcessor processor;

    @InjectService(timeout = 30000)
    ConfigurationAdmin configAdmin;

    @TempDir
    Path tmp;

    final List<Configuration> created = new ArrayList<>();
    final List<CommandSession> sessions = new ArrayList<>();
    Bundle hanging;

    @BeforeEach
    void backends() throws Exception {
        created.add(Fixtures.pytorchCpu(configAdmin));
        created.add(Fixtures.onnxCpu(configAdmin));
        Fixtures.method(context, Classifier.class, "classify");
    }

    @AfterEach
    void cleanUp() throws Exception {
        System.setProperty(Hanging.RELEASE, "true"); // ends every hanging call's thread
        if (hanging != null) {
            hanging.uninstall();
        }
        for (CommandSession s : sessions) {
            s.close();
        }
        for (Configuration c : created) {
            c.delete();
        }
    }

    private CommandSession session() {
        CommandSession s = Fixtures.session(processor);
        sessions.add(s);
        return s;
    }

    private String testdata(String relative) {
        return Path.of(context.getProperty("modelkit.testdata"), relative).toString();
    }

    private String classifyArgs() {
        return testdata("models/fashion-cnn-leaky") + " " + testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz");
    }

    /** @return a bundle with one DS component: Classifier "hang" and the command hang:hang ({@link Hanging}) */
    static InputStream hangingBundle() throws Exception {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", HANG_PID);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Service-Component", "OSGI-INF/hanging.xml");
        a.putValue("Import-Package", "org.modelkit.api.classify,org.modelkit.api.data,org.modelkit.api.method,"
                + "org.modelkit.api.progress");
        a.putValue("Require-Capability", "osgi.extender;filter:=\"(&(osgi.extender=osgi.component)(version>=1.3.0)(!(version>=2.0.0)))\"");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String cls = Hanging.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream jar = new JarOutputStream(bytes, mf); InputStream in = Hanging.class.getClassLoader()
                .getResourceAsStream(cls)) {
            jar.putNextEntry(new JarEntry("OSGI-INF/hanging.xml"));
            jar.write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\""
                    + " name=\"" + HANG_PID + "\" immediate=\"true\" activate=\"activate\">"
                    + "<implementation class=\"" + Hanging.class.getName() + "\"/>"
                    + "<service><provide interface=\"" + Classifier.class.getName() + "\"/></service>"
                    + "<property name=\"" + Method.NAME_PROPERTY + "\" value=\"hang\"/>"
                    + "<property name=\"osgi.command.scope\" value=\"hang\"/>"
                    + "<property name=\"osgi.command.function\" value=\"hang\"/>"
                    + "</scr:component>\n").getBytes(StandardCharsets.UTF_8));
            jar.putNextEntry(new JarEntry(cls));
            in.transferTo(jar);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    /** Installs and starts the hanging bundle with that configuration, and waits for its service to carry it. */
    private void startHanging(Map<String, Object> values) throws Exception {
        System.clearProperty(Hanging.RELEASE);
        Configuration c = configAdmin.getConfiguration(HANG_PID, "?");
        c.update(new Hashtable<>(values));
        created.add(c);
        hanging = context.installBundle("test:hanging", hangingBundle());
        hanging.start();
        Await.until("the hang classifier configured with " + values, () -> {
            var refs = classifiers("(" + Method.NAME_PROPERTY + "=hang)");
            return !refs.isEmpty() && values.get("modelkit.timeout").equals(refs.iterator().next().getProperty("modelkit.timeout"));
        });
    }

    @Test
    void aHangingCallReturnsAtItsLimitAndItsBundleStopsWithinFiveSeconds() throws Exception {
        startHanging(Map.of("modelkit.timeout", "1s", "honours.interrupt", "false"));
        CommandSession user = session();
        long failedBefore = figures("hang").failures();
        long t0 = System.nanoTime();
        CallTimeoutException e = assertThrows(CallTimeoutException.class,
                () -> user.execute("modelkit:classify -m hang " + classifyArgs()));
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("isolation: a call that ignores its interrupt returned the shell after %.2f s: %s%n", seconds,
                e.getMessage());
        assertTrue(e.getMessage().startsWith("classifier 'hang' did not finish within 1 s (modelkit.timeout in"
                + " configuration " + HANG_PID + "); it did not stop when interrupted and still runs in thread "
                + "modelkit-call-"), e.getMessage());
        assertTrue(seconds < 5, seconds + " s");
        assertEquals(failedBefore + 1, figures("hang").failures(), "counted as a failed call");

        // the bundle's own command hangs with no limit in a second session; meanwhile the other methods serve
        CommandSession other = session();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Object> stuck = pool.submit(() -> other.execute("hang:hang"));
            Summary ok = (Summary) user.execute("modelkit:classify " + classifyArgs());
            assertTrue(ok.headline().contains("accuracy 0.9") || ok.headline().contains("accuracy 0.8"), ok.headline());
            Summary embedded = (Summary) user.execute("modelkit:embed -d 4 " + testdata("graphs/karate.gml") + " "
                    + tmp.resolve("k.csv"));
            assertTrue(embedded.headline().startsWith("karate.gml: 34 nodes"), embedded.headline());
            assertFalse(stuck.isDone(), "hang:hang returned: " + (stuck.isDone() ? stuck.get() : ""));

            long s0 = System.nanoTime();
            hanging.stop();
            double stop = (System.nanoTime() - s0) / 1e9;
            System.out.printf("isolation: stop of the bundle with two hanging calls took %.3f s%n", stop);
            assertTrue(stop < 5, "stop took " + stop + " s");
            IllegalArgumentException gone = assertThrows(IllegalArgumentException.class, () -> user.execute("hang:hang"));
            assertTrue(gone.getMessage().contains("hang:hang"), gone.getMessage());
            IllegalArgumentException noMethod = assertThrows(IllegalArgumentException.class,
                    () -> user.execute("modelkit:classify -m hang " + classifyArgs()));
            assertTrue(noMethod.getMessage().startsWith("no classifier named 'hang' is installed"), noMethod.getMessage());
            assertFalse(user.execute("modelkit:methods").toString().contains("hang"));
            Summary still = (Summary) user.execute("modelkit:classify " + classifyArgs());
            assertEquals(ok.fields().get("accuracy per class"), still.fields().get("accuracy per class"));
            System.setProperty(Hanging.RELEASE, "true");
            IllegalStateException released = assertThrows(IllegalStateException.class, () -> {
                try {
                    stuck.get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException x) {
                    throw x.getCause();
                }
            });
            assertEquals("released by the test", released.getMessage());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCallThatHonoursItsInterruptStopsAtItsLimit() throws Exception {
        startHanging(Map.of("modelkit.timeout", "500ms", "honours.interrupt", "true"));
        CallTimeoutException e = assertThrows(CallTimeoutException.class,
                () -> session().execute("modelkit:classify -m hang " + classifyArgs()));
        assertEquals("classifier 'hang' did not finish within 500 ms (modelkit.timeout in configuration " + HANG_PID
                + "); it was interrupted and has stopped", e.getMessage());
        assertFalse(e.stillRunning());
        // a limit that is not a duration is refused before the call, naming the setting
        Configuration c = configAdmin.getConfiguration(HANG_PID, "?");
        c.update(new Hashtable<>(Map.of("modelkit.timeout", "soon", "honours.interrupt", "true")));
        Await.until("the new configuration", () -> classifiers("(&(" + Method.NAME_PROPERTY
                + "=hang)(modelkit.timeout=soon))").size() == 1);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> session().execute("modelkit:classify -m hang " + classifyArgs()));
        assertTrue(bad.getMessage().startsWith("modelkit.timeout in configuration " + HANG_PID + " 'soon' is not a time"
                + " limit"), bad.getMessage());
    }

    private java.util.Collection<org.osgi.framework.ServiceReference<Classifier>> classifiers(String filter) {
        try {
            return context.getServiceReferences(Classifier.class, filter);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static MethodStats.Figures figures(String name) {
        return MethodStats.snapshot().stream().filter(f -> f.method().equals(name)).findFirst()
                .orElse(new MethodStats.Figures(name, "classifier", 0, 0, 0, 0, 0, 0, ""));
    }

    /** The per-class accuracies and the headline's accuracy: the result of one classify, without its timing. */
    private static String classified(Object summary) {
        Summary s = (Summary) summary;
        String h = s.headline();
        return h.substring(0, h.indexOf(" in ")) + " | " + s.fields().get("backend") + " | "
                + s.fields().get("accuracy per class");
    }

    @Test
    void twoSessionsRunningJobsAtOnceGetTheirSequentialResults() throws Exception {
        CommandSession a = session();
        CommandSession b = session();
        String graph = testdata("graphs/karate-weighted.edges");
        String classifyOnce = classified(a.execute("modelkit:classify " + classifyArgs()));
        a.execute("modelkit:embed -d 8 " + graph + " " + tmp.resolve("seq.csv"));
        byte[] embedOnce = Files.readAllBytes(tmp.resolve("seq.csv"));
        assertTrue(classifyOnce.contains("accuracy 0.") && !classifyOnce.contains("NaN"), classifyOnce);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<String>>> runs = new ArrayList<>();
            for (CommandSession s : List.of(a, b)) {
                String tag = s == a ? "a" : "b";
                runs.add(pool.submit(() -> {
                    List<String> got = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        got.add(classified(s.execute("modelkit:classify " + classifyArgs())));
                        Path out = tmp.resolve(tag + i + ".csv");
                        s.execute("modelkit:embed -d 8 " + graph + " " + out);
                        got.add(out.toString());
                    }
                    return got;
                }));
            }
            int compared = 0;
            for (Future<List<String>> f : runs) {
                List<String> got = f.get(5, TimeUnit.MINUTES);
                for (int i = 0; i < got.size(); i += 2) {
                    assertEquals(classifyOnce, got.get(i));
                    assertArrayEquals(embedOnce, Files.readAllBytes(Path.of(got.get(i + 1))), got.get(i + 1));
                    compared += 2;
                }
            }
            System.out.println("isolation: " + compared + " concurrent results from two sessions equal the sequential"
                    + " ones: " + classifyOnce);
        } finally {
            pool.shutdownNow();
        }
    }
}
