package org.modelkit.karaf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Modelkit in a real Apache Karaf 4.4 (unpacked from Maven Central by the build), driven as a user drives it:
 * {@code bin/start}, commands through {@code bin/client -b}, {@code bin/stop}. Karaf is made offline (no remote
 * Maven repository, an empty local one), so every bundle must come from the KAR: a feature that leaves a bundle
 * out fails to install here. The environment the launcher sets (oneDNN's instruction set, the allocator) is removed
 * from Karaf's, so what the native libraries need must come with the features. The tests run in order on one Karaf
 * and share its state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KarafTest {
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*m");
    private static final long CLIENT_TIMEOUT_S = 240;

    private Path home;
    private Path testdata;
    private Path out;
    private int sshPort;

    @BeforeAll
    void startKaraf() throws Exception {
        Path dist = Path.of(System.getProperty("karaf.dist"));
        home = Path.of(System.getProperty("karaf.work"));
        testdata = Path.of(System.getProperty("modelkit.testdata")).toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(dist), "Karaf not unpacked at " + dist + " (mvn runs maven-dependency-plugin:unpack)");
        stopAny();
        deleteTree(home);
        copyTree(dist, home);
        out = Files.createDirectories(home.resolve("out"));
        // offline: no remote repository, and an empty local one instead of ~/.m2 (which holds every bundle here)
        Path mvn = home.resolve("etc/org.ops4j.pax.url.mvn.cfg");
        String cfg = Files.readString(mvn);
        cfg = Pattern.compile("^org\\.ops4j\\.pax\\.url\\.mvn\\.repositories=.*?(?=^\\S|\\z)", Pattern.MULTILINE | Pattern.DOTALL)
                .matcher(cfg).replaceFirst("org.ops4j.pax.url.mvn.repositories=\norg.ops4j.pax.url.mvn.localRepository=\\${karaf.data}/no-m2\n");
        assertTrue(cfg.contains("localRepository=${karaf.data}/no-m2"), "could not make Karaf offline: " + mvn);
        Files.writeString(mvn, cfg);
        // Karaf ships its one user commented out; the client logs in as it
        replace(home.resolve("etc/users.properties"), "#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup");
        replace(home.resolve("etc/users.properties"), "#_g_\\:admingroup", "_g_\\:admingroup");
        // free ports, so a Karaf elsewhere on the machine does not answer
        sshPort = freePort();
        replace(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort = 8101", "sshPort = " + sshPort);
        replace(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort = 1099", "rmiRegistryPort = " + freePort());
        replace(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort = 44444", "rmiServerPort = " + freePort());
        start();
    }

    @AfterAll
    void stopKaraf() throws Exception {
        if (home != null) {
            stop();
        }
    }

    @Test
    @Order(1)
    void theKarInstallsOfflineAndListsEveryFeature() throws Exception {
        String r = client("kar:install file:" + Path.of(System.getProperty("modelkit.kar")).toAbsolutePath(), "kar:list",
                "feature:list");
        assertFalse(r.contains("Error"), r);
        List<String> features = lines(r, "^(modelkit-[a-z]+)\\s*\\|");
        assertEquals(List.of("modelkit-core", "modelkit-natives", "modelkit-compute", "modelkit-onnx", "modelkit-pytorch",
                "modelkit-nn", "modelkit-embedder", "modelkit-classifier", "modelkit-eman", "modelkit-lqf", "modelkit-forgetter",
                "modelkit-forecaster", "modelkit-information", "modelkit-distiller", "modelkit-perturber", "modelkit-segmenter",
                "modelkit-translator", "modelkit-health", "modelkit-all"), features, r);
        assertTrue(lines(client("feature:list -i"), "^(modelkit-[a-z]+)\\s*\\|").isEmpty(), "the KAR installed features by itself");
    }

    @Test
    @Order(2)
    void aMethodWithoutABackendFailsToResolveNamingTheService() throws Exception {
        String r = client("feature:install modelkit-classifier");
        assertTrue(r.contains("missing requirement") && r.contains("org.modelkit.compute.api.ComputeBackend"),
                "expected a resolution error naming the ComputeBackend service:\n" + r);
        assertTrue(lines(client("feature:list -i"), "^(modelkit-[a-z]+)\\s*\\|").isEmpty(), "a failed install left features behind");
        assertFalse(client("bundle:list -s").contains("org.modelkit"), "a failed install left bundles behind");
    }

    @Test
    @Order(3)
    void theBackendsAndTwoMethodsInstallAndShowInTheShell() throws Exception {
        String r = client("feature:install modelkit-onnx modelkit-pytorch", "feature:install modelkit-embedder modelkit-classifier");
        assertFalse(r.contains("Error"), r);
        String methods = await("echo (modelkit:methods)", "classify");
        assertTrue(methods.contains("betweenness-spectral") && methods.contains("classify"), methods);
        assertFalse(methods.contains("eman") || methods.contains("lqf"), "a feature installed more than it names:\n" + methods);
        String backends = await("echo (modelkit:backends)", "pytorch-cpu");
        assertTrue(backends.contains("onnx-cpu") && backends.contains("pytorch-cpu"), backends);
        // the features' default configurations appear in Karaf's etc/
        assertTrue(Files.isRegularFile(home.resolve("etc/org.modelkit.compute.onnx-cpu.cfg")), "no etc/org.modelkit.compute.onnx-cpu.cfg");
        assertTrue(Files.isRegularFile(home.resolve("etc/org.modelkit.compute.pytorch-cpu.cfg")), "no etc/org.modelkit.compute.pytorch-cpu.cfg");
        // the oneDNN setting correctness needs came with the bundle, not with this test's environment
        assertTrue(Files.readString(home.resolve("data/log/karaf.log")).contains("ONEDNN_MAX_CPU_ISA was not set; set to SSE41"),
                "the PyTorch backend did not set ONEDNN_MAX_CPU_ISA in a Karaf started without it");
    }

    @Test
    @Order(4)
    void theKarateClubEmbedsIntoSixteenSpreadDimensions() throws Exception {
        Path csv = out.resolve("karate.csv");
        String r = client("echo (modelkit:embed --labels " + testdata.resolve("graphs/karate-club.labels") + " --edges "
                + testdata.resolve("graphs/karate-weighted.edges") + " " + csv + ")");
        assertTrue(r.contains("34 nodes, 78 edges, betweenness-spectral d=16"), r);
        List<String> rows = Files.readAllLines(csv);
        assertEquals("node,name,label,x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11,x12,x13,x14,x15", rows.get(0));
        assertEquals(35, rows.size(), "one row per node");
        java.util.Map<String, List<Integer>> byVector = new java.util.HashMap<>();
        int spread = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            double[] x = Arrays.stream(f, 3, f.length).mapToDouble(Double::parseDouble).toArray();
            assertEquals(16, x.length, row);
            StringBuilder key = new StringBuilder();
            for (double v : x) {
                key.append(String.format(java.util.Locale.ROOT, "%.5e,", v));
            }
            byVector.computeIfAbsent(key.toString(), k -> new ArrayList<>()).add(Integer.parseInt(f[0]));
            if (Arrays.stream(x).max().getAsDouble() - Arrays.stream(x).min().getAsDouble() > 1e-3) {
                spread++;
            }
        }
        // The embedding depends on the graph's structure alone (the command reads no weights), so nodes that an
        // automorphism of the karate club swaps get one vector ({4, 10}, {5, 6}, {17, 21}, {14, 15, 18, 20, 22}) and
        // every other node its own: 27 vectors. A collapsed result (one vector, or one number repeated) and a random
        // one both fail.
        Set<List<Integer>> shared = new HashSet<>();
        byVector.values().stream().filter(g -> g.size() > 1).forEach(g -> shared.add(g.stream().sorted().toList()));
        assertEquals(Set.of(List.of(4, 10), List.of(5, 6), List.of(17, 21), List.of(14, 15, 18, 20, 22)), shared,
                "nodes sharing a vector");
        assertEquals(27, byVector.size(), "distinct vectors");
        assertTrue(spread >= 30, spread + " of 34 nodes have a vector spread over its 16 dimensions");
    }

    @Test
    @Order(5)
    void classifyRunsOnBothBackendsWithASwapBetween() throws Exception {
        String model = testdata.resolve("models/fashion-cnn-leaky").toString();
        String images = testdata.resolve("fashion-mnist/t10k-1000-images-idx3-ubyte.gz").toString();
        String r = client("echo (modelkit:backend use onnx-cpu classify)", "echo (modelkit:classify " + model + " " + images + ")",
                "echo (modelkit:backend use pytorch-cpu classify)", "echo (modelkit:classify " + model + " " + images + ")");
        assertTrue(r.contains("accuracy 0.9130 on onnx-cpu"), r);
        assertTrue(r.contains("accuracy 0.9130 on pytorch-cpu"), r);
        assertTrue(r.indexOf("on onnx-cpu in") < r.indexOf("on pytorch-cpu in"), r);
        assertTrue(Files.readString(home.resolve("etc/org.modelkit.classifier.cfg")).contains("pytorch-cpu"),
                "the backend choice was not saved to Karaf's etc/");
    }

    @Test
    @Order(6)
    void healthChecksRunInKarafAndTheClassifyCallsWereCounted() throws Exception {
        String r = client("feature:install modelkit-health");
        assertFalse(r.contains("Error"), r);
        String health = await("echo (modelkit:health)", "backend pytorch-cpu");
        for (String check : List.of("backend onnx-cpu", "backend pytorch-cpu", "method classify", "method betweenness-spectral",
                "components")) {
            assertTrue(health.lines().anyMatch(l -> l.startsWith(check + " ") && l.contains(" OK ")), check + " is not OK:\n" + health);
        }
        assertTrue(health.contains("round trip (ONNX)") && health.contains("round trip (TORCHSCRIPT)"), health);
        String stats = client("echo (modelkit:stats)");
        assertTrue(stats.lines().anyMatch(l -> l.startsWith("classify ") && l.contains(" 2 ")), "two classify calls:\n" + stats);
    }

    @Test
    @Order(7)
    void uninstallingTheEmbedderRemovesItsCommandsAndServicesOnly() throws Exception {
        String r = client("feature:uninstall modelkit-embedder");
        assertFalse(r.contains("Error"), r);
        assertTrue(client("modelkit:embed").contains("Command not found"), "modelkit:embed is still there");
        assertFalse(client("service:list org.modelkit.api.embed.Embedder").contains("Embedder"), "an Embedder service is left");
        assertFalse(client("bundle:list -s").contains("org.modelkit.embedder.betweenness"), "the embedder bundle is left");
        String methods = client("echo (modelkit:methods)");
        assertFalse(methods.contains("betweenness-spectral"), methods);
        assertTrue(methods.contains("classify"), methods);
        String classify = client("echo (modelkit:classify " + testdata.resolve("models/fashion-cnn-leaky") + " "
                + testdata.resolve("fashion-mnist/t10k-1000-images-idx3-ubyte.gz") + ")");
        assertTrue(classify.contains("accuracy 0.9130 on pytorch-cpu"), classify);
        // no install or uninstall so far refreshed a native bundle (libtorch binds to one class loader)
        Set<String> refreshed = refreshed();
        assertFalse(refreshed.contains("org.modelkit.lib.djl") || refreshed.contains("org.modelkit.lib.onnxruntime"),
                "Karaf refreshed a native bundle: " + refreshed);
    }

    /** @return the bundles Karaf's feature service refreshed so far (karaf.log's "Refreshing bundles:" lists) */
    private Set<String> refreshed() throws IOException {
        Set<String> names = new HashSet<>();
        boolean inList = false;
        for (String line : Files.readAllLines(home.resolve("data/log/karaf.log"))) {
            int bar = line.lastIndexOf(" | ");
            String msg = bar < 0 ? line : line.substring(bar + 3);
            if (msg.startsWith("Refreshing bundles:")) {
                inList = true;
            } else if (inList && msg.startsWith("    ")) {
                names.add(msg.trim().split("/")[0]);
            } else {
                inList = false;
            }
        }
        return names;
    }

    @Test
    @Order(8)
    void aRestartKeepsTheFeaturesAndTheBackendChoice() throws Exception {
        stop();
        start();
        await("echo (modelkit:methods)", "classify");
        String features = client("feature:list -i");
        assertEquals(Set.of("modelkit-onnx", "modelkit-pytorch", "modelkit-classifier", "modelkit-health"),
                new HashSet<>(lines(features, "^(modelkit-[a-z]+)\\s*\\|.*\\|\\s*x\\s*\\|")), features);
        String classify = client("echo (modelkit:classify " + testdata.resolve("models/fashion-cnn-leaky") + " "
                + testdata.resolve("fashion-mnist/t10k-1000-images-idx3-ubyte.gz") + ")");
        assertTrue(classify.contains("accuracy 0.9130 on pytorch-cpu"), "the backend choice was lost:\n" + classify);
        assertTrue(client("modelkit:embed").contains("Command not found"), "the uninstalled embedder came back");
    }

    // ---- driving Karaf ----

    private void start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/start").toString()).directory(home.toFile());
        environment(pb);
        pb.redirectErrorStream(true).redirectOutput(home.resolve("start.out").toFile());
        Process p = pb.start();
        assertEquals(0, p.waitFor(), "bin/start failed: " + Files.readString(home.resolve("start.out")));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        String last = "";
        while (System.nanoTime() < end) {
            last = run(List.of(home.resolve("bin/client").toString(), "-u", "karaf", "-p", "karaf", "-a", String.valueOf(sshPort),
                    "-r", "3", "-d", "2", "-b"), "feature:list -i | grep -c kar\necho ready\n", 60);
            if (last.contains("ready") && !last.contains("Command not found")) {
                return;
            }
            if (last.contains("No more authentication methods")) {
                throw new AssertionError("Karaf refused the client's login: " + last);
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("Karaf did not answer within 180 s: " + last);
    }

    private void stop() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/stop").toString()).directory(home.toFile());
        environment(pb);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.start().waitFor(60, TimeUnit.SECONDS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end && !karafProcesses().isEmpty()) {
            Thread.sleep(500);
        }
        stopAny();
    }

    /** Kills a Karaf of this work folder that did not stop (or was left by an earlier, interrupted run). */
    private void stopAny() throws InterruptedException {
        for (ProcessHandle h : karafProcesses()) {
            h.destroyForcibly();
            h.onExit().join();
        }
    }

    private List<ProcessHandle> karafProcesses() {
        String marker = "-Dkaraf.home=" + Path.of(System.getProperty("karaf.work")).toAbsolutePath();
        return ProcessHandle.allProcesses().filter(h -> h.info().arguments().map(a -> Arrays.asList(a).contains(marker))
                .orElse(false)).toList();
    }

    /** Karaf's own environment: this JVM's Java, and none of the settings the Modelkit launcher and Surefire add. */
    private static void environment(ProcessBuilder pb) {
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        for (String k : List.of("ONEDNN_MAX_CPU_ISA", "MKL_ENABLE_INSTRUCTIONS", "GLIBC_TUNABLES", "OMP_NUM_THREADS", "JAVA_OPTS",
                "EXTRA_JAVA_OPTS", "KARAF_OPTS")) {
            pb.environment().remove(k);
        }
    }

    /**
     * Runs each command in a batch session of its own (several commands in one session lose those after a long one,
     * such as feature:install); @return their outputs, one after the other, without colour codes
     */
    private String client(String... commands) throws Exception {
        StringBuilder all = new StringBuilder();
        for (String c : commands) {
            String r = run(List.of(home.resolve("bin/client").toString(), "-u", "karaf", "-p", "karaf", "-a", String.valueOf(sshPort),
                    "-b"), c + "\n", CLIENT_TIMEOUT_S);
            System.out.println("karaf> " + c + "\n" + r);
            all.append(r);
        }
        return all.toString();
    }

    /** Runs a command until its output contains the text (Declarative Services starts components after an install). */
    private String await(String command, String text) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String r = client(command);
        while (!r.contains(text) && System.nanoTime() < end) {
            Thread.sleep(1000);
            r = client(command);
        }
        return r;
    }

    private String run(List<String> command, String input, long timeoutS) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        environment(pb);
        Path log = Files.createTempFile(home, "client", ".out");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/client did not return within " + timeoutS + " s: " + input + "\n" + Files.readString(log));
        }
        String text = ANSI.matcher(Files.readString(log)).replaceAll("");
        Files.delete(log);
        return text;
    }

    private static List<String> lines(String text, String regex) {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        List<String> found = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String s = Files.readString(file);
        assertTrue(s.contains(from), file + " has no '" + from + "'");
        Files.writeString(file, s.replace(from, to));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
