package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.execution.HealthCheckExecutionResult;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.apache.felix.hc.api.execution.HealthCheckSelector;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.modelkit.api.embed.Embedder;
import org.modelkit.api.method.Method;
import org.modelkit.itest.exploding.Exploding;
import org.modelkit.shell.format.MethodStats;
import org.modelkit.shell.format.Methods;
import org.modelkit.shell.format.TextTable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Health checks and per-method figures in the framework: every backend passes its inference round trip, every
 * method's bound backend serves its needs, the Felix Health Check executor (what {@code hc:exec -t modelkit} runs)
 * finds the same checks, a bundle whose component throws in {@code activate} turns the components check critical
 * without stopping any method, and calls through {@link Methods} are counted by outcome.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class HealthInFrameworkTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30000)
    CommandProcessor processor;

    @InjectService(timeout = 30000)
    ConfigurationAdmin configAdmin;

    final List<Configuration> created = new ArrayList<>();
    CommandSession session;

    @BeforeEach
    void open() throws Exception {
        created.add(Fixtures.pytorchCpu(configAdmin));
        created.add(Fixtures.onnxCpu(configAdmin));
        session = Fixtures.session(processor);
        // the backends come first, then the methods that need one bind to them
        Await.until("a health check for each of the two backends and for every method", () -> quietly(() ->
                checks("backend").size() == 2 && context.getServiceReferences(Method.class, null).size() >= 12
                        && checks("method").size() == context.getServiceReferences(Method.class, null).size()));
    }

    @AfterEach
    void close() throws Exception {
        if (session != null) {
            session.close();
        }
        for (Configuration c : created) {
            c.delete();
        }
    }

    /** @return the condition's value, false where it throws (not ready yet) */
    static boolean quietly(java.util.concurrent.Callable<Boolean> condition) {
        try {
            return condition.call();
        } catch (Exception e) {
            return false;
        }
    }

    List<ServiceReference<HealthCheck>> checks(String tag) throws Exception {
        return new ArrayList<>(context.getServiceReferences(HealthCheck.class, "(hc.tags=" + tag + ")"));
    }

    /** @return the health table's rows by check name */
    Map<String, List<String>> health(String tag) throws Exception {
        TextTable t = (TextTable) session.execute("modelkit:health -t " + tag);
        assertEquals(List.of("CHECK", "TAGS", "STATUS", "TIME", "MESSAGE"), t.header());
        Map<String, List<String>> byName = new java.util.TreeMap<>();
        t.rows().forEach(r -> byName.put(r.get(0), r));
        return byName;
    }

    @Test
    void everyBackendAndMethodIsHealthyAndTheFelixExecutorRunsTheSameChecks() throws Exception {
        // a backend configuration deleted by the previous test may still be on its way out when the set-up looked:
        // its methods' checks then go and come back once more (a CI run read 6 method rows of 16 so)
        java.util.concurrent.atomic.AtomicReference<Map<String, List<String>>> seen = new java.util.concurrent.atomic.AtomicReference<>();
        Await.until("one health row per method and both backends", () -> quietly(() -> {
            Map<String, List<String>> r = health("modelkit");
            seen.set(r);
            return r.keySet().stream().filter(n -> n.startsWith("method ")).count()
                    == context.getServiceReferences(Method.class, null).size()
                    && r.containsKey("backend onnx-cpu") && r.containsKey("backend pytorch-cpu");
        }));
        Map<String, List<String>> rows = seen.get();
        int methods = context.getServiceReferences(Method.class, null).size();
        assertTrue(methods >= 10, methods + " methods");
        long methodRows = rows.keySet().stream().filter(n -> n.startsWith("method ")).count();
        assertEquals(methods, methodRows, "one check per method service: " + rows.keySet() + "\n"
                + session.execute("modelkit:backends") + "\n" + session.execute("modelkit:methods"));
        for (String backend : List.of("backend onnx-cpu", "backend pytorch-cpu")) {
            List<String> r = rows.get(backend);
            assertEquals("OK", r.get(2), backend + ": " + r);
            assertTrue(r.get(4).contains("round trip (" + (backend.contains("onnx") ? "ONNX" : "TORCHSCRIPT") + ")"), r.get(4));
        }
        for (Map.Entry<String, List<String>> e : rows.entrySet()) {
            assertEquals("OK", e.getValue().get(2), e.getKey() + " is not OK: " + e.getValue());
        }
        assertTrue(rows.get("method classify (Classifier)").get(4).contains("inference"), rows.toString());
        assertTrue(rows.get("components").get(4).contains("none failed or waiting"), rows.get("components").toString());
        List<String> eman = rows.get("method eman (StudentTeacherTrainer)");
        assertTrue(eman != null && eman.get(4).contains("pytorch-cpu"), "eman needs autograd: " + rows.keySet());
        // only the backend checks under their own tag
        assertEquals(java.util.Set.of("backend onnx-cpu", "backend pytorch-cpu"), java.util.Set.copyOf(health("backend").keySet()));
        // the Felix Health Check core's executor: what hc:exec -t modelkit runs
        ServiceReference<HealthCheckExecutor> ref = context.getServiceReference(HealthCheckExecutor.class);
        HealthCheckExecutor executor = context.getService(ref);
        try {
            List<HealthCheckExecutionResult> results = executor.execute(HealthCheckSelector.tags("modelkit"));
            assertEquals(rows.size(), results.size());
            for (HealthCheckExecutionResult r : results) {
                assertEquals(Result.Status.OK, r.getHealthCheckResult().getStatus(), r.getHealthCheckMetadata().getName());
            }
        } finally {
            context.ungetService(ref);
        }
        assertThrows(IllegalArgumentException.class, () -> session.execute("modelkit:health -t no-such-tag"));
    }

    /** @return a bundle with one immediate DS component whose activate method throws */
    static InputStream explodingBundle() throws Exception {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "com.example.exploding");
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Service-Component", "OSGI-INF/exploding.xml");
        a.putValue("Require-Capability", "osgi.extender;filter:=\"(&(osgi.extender=osgi.component)(version>=1.3.0)(!(version>=2.0.0)))\"");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String cls = Exploding.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream jar = new JarOutputStream(bytes, mf); InputStream in = Exploding.class.getClassLoader()
                .getResourceAsStream(cls)) {
            jar.putNextEntry(new JarEntry("OSGI-INF/exploding.xml"));
            jar.write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\""
                    + " name=\"exploding\" immediate=\"true\" activate=\"activate\"><implementation class=\""
                    + Exploding.class.getName() + "\"/></scr:component>\n").getBytes(StandardCharsets.UTF_8));
            jar.putNextEntry(new JarEntry(cls));
            in.transferTo(jar);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    @Test
    void aComponentThatThrowsInActivateIsReportedAndTheMethodsKeepServing() throws Exception {
        Bundle b = context.installBundle("test:exploding", explodingBundle());
        try {
            b.start();
            Await.until("the exploding component is reported", () -> quietly(() -> health("components").get("components")
                    .get(2).equals("CRITICAL")));
            List<String> row = health("components").get("components");
            assertTrue(row.get(4).contains("com.example.exploding") && row.get(4).contains("exploding")
                    && row.get(4).contains("exploded on purpose in activate"), row.toString());
            // the rest keeps serving: the methods are there and healthy, and one computes
            Map<String, List<String>> methods = health("method");
            methods.values().forEach(r -> assertEquals("OK", r.get(2), r.toString()));
            Object e = session.execute("modelkit:methods");
            assertTrue(e.toString().contains("betweenness-spectral"), e.toString());
        } finally {
            b.uninstall();
        }
        Await.until("the components check is OK again", () -> quietly(() -> health("components").get("components").get(2)
                .equals("OK")));
    }

    @Test
    void callsThroughMethodsAreCountedByOutcome() throws Exception {
        String name = "betweenness-spectral";
        long before = figures(name).calls();
        long failedBefore = figures(name).failures();
        String title = Methods.call(context, Embedder.class, "embedder", name, m -> m.descriptor().title());
        assertTrue(!title.isBlank());
        assertThrows(IllegalStateException.class, () -> Methods.call(context, Embedder.class, "embedder", name, m -> {
            throw new IllegalStateException("made to fail");
        }));
        assertThrows(IllegalArgumentException.class, () -> Methods.call(context, Embedder.class, "embedder",
                "no-such-method", m -> null));
        MethodStats.Figures f = figures(name);
        assertEquals(before + 2, f.calls(), "two calls reached the method; the unknown name did not count");
        assertEquals(failedBefore + 1, f.failures());
        assertEquals("IllegalStateException: made to fail", f.lastFailure());
        // a hold-based body tells its handle what it threw (finetune and teach do)
        try (Methods.Held<Embedder> held = Methods.hold(context, Embedder.class, "embedder", name)) {
            held.failed(new IllegalArgumentException("told by hand"));
        }
        f = figures(name);
        assertEquals(before + 3, f.calls());
        assertEquals(failedBefore + 2, f.failures());
        assertEquals("IllegalArgumentException: told by hand", f.lastFailure());
        assertTrue(f.maxMillis() >= f.p50Millis() && f.p50Millis() >= 0, f.toString());
        TextTable t = (TextTable) session.execute("modelkit:stats");
        assertTrue(t.rows().stream().anyMatch(r -> r.get(0).equals(name) && r.get(1).equals("embedder")), t.toString());
    }

    static MethodStats.Figures figures(String name) {
        return MethodStats.snapshot().stream().filter(f -> f.method().equals(name) && f.kind().equals("embedder"))
                .findFirst().orElse(new MethodStats.Figures(name, "embedder", 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, ""));
    }
}
