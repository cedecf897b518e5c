package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.classify.Classifier;
import org.modelkit.compute.api.ComputeBackend;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.shell.format.Summary;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Issue 20's soak of jobs: repeated {@code modelkit:classify} (on pytorch-cpu, the DJL path) and
 * {@code modelkit:finetune -n 2} in one JVM give the same result every time and leave no DJL manager or array open,
 * and, over 500 runs or more, resident memory flat (live RSS and NMT within +10 % after warm-up). Runs:
 * {@code modelkit.soak.runs} classify runs and a fifth as many fine-tunings (50 and 10 in mvn verify;
 * {@code benchmarks/soak/run} sets 1,000).
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class SoakInFrameworkTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30000)
    CommandProcessor processor;

    @InjectService(timeout = 30000)
    ConfigurationAdmin configAdmin;

    @TempDir
    Path tmp;

    final List<Configuration> created = new ArrayList<>();
    CommandSession session;

    @BeforeEach
    void backends() throws Exception {
        created.add(Fixtures.pytorchCpu(configAdmin));
        created.add(Fixtures.onnxCpu(configAdmin));
        session = Fixtures.session(processor);
        Fixtures.method(context, Classifier.class, "classify");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (session != null) {
            session.close();
        }
        for (Configuration c : created) {
            c.delete();
        }
        Fixtures.removeSavedChoice(context, configAdmin, ClassifierInFrameworkTest.PID);
    }

    private String testdata(String relative) {
        return Path.of(context.getProperty("modelkit.testdata"), relative).toString();
    }

    private TensorBackend pytorch() throws Exception {
        var refs = context.getServiceReferences(ComputeBackend.class, "(" + ComputeBackend.ID + "=pytorch-cpu)");
        return (TensorBackend) context.getService(refs.iterator().next());
    }

    private static void delete(Path folder) throws Exception {
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void repeatedClassifyAndFinetuneLeaveNoManagerOpenAndMemoryFlat() throws Exception {
        int runs = Integer.parseInt(String.valueOf(Objects.requireNonNullElse(context.getProperty("modelkit.soak.runs"),
                "50")));
        int tunings = Math.max(2, runs / 5);
        session.execute("modelkit:backend use pytorch-cpu classify");
        Await.until("classify on pytorch-cpu", () -> {
            try {
                Summary s = (Summary) session.execute("modelkit:classify " + testdata("models/fashion-cnn-leaky") + " "
                        + testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz"));
                return "pytorch-cpu".equals(s.fields().get("backend"));
            } catch (Exception e) {
                return false;
            }
        });
        TensorBackend backend = pytorch();
        String classify = "modelkit:classify " + testdata("models/fashion-cnn-leaky") + " "
                + testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz");
        String first = null;
        List<Memory.Sample> samples = new ArrayList<>();
        int warm = Math.max(10, runs / 10); // two fine-tunings at least: libtorch's autograd buffers, glibc's arenas
        long t0 = System.nanoTime();
        for (int i = 1; i <= runs; i++) {
            Summary s = (Summary) session.execute(classify);
            String result = s.headline().substring(0, s.headline().indexOf(" in ")) + " " + s.fields().get("accuracy per class");
            if (first == null) {
                first = result;
                assertTrue(first.contains("accuracy 0.9"), first);
            }
            assertEquals(first, result, "run " + i);
            if (i % 5 == 0 && i / 5 <= tunings) {
                Path out = tmp.resolve("ft");
                Summary f = (Summary) session.execute("modelkit:finetune -s kfac -n 2 -k 1 --shots 3 -o " + out + " "
                        + testdata("models/fashion-cnn-leaky") + " " + testdata("mnist/train-1000-images-idx3-ubyte.gz")
                        + " " + testdata("mnist/t10k-1000-images-idx3-ubyte.gz"));
                assertTrue(f.headline().contains("LQF-kfac"), f.headline());
                delete(out);
            }
            if (i >= warm && (i == warm || i == runs || i % Math.max(1, runs / 10) == 0)) {
                Memory.Sample m = Memory.sample(backend);
                samples.add(m);
                System.out.printf(Locale.ROOT, "soak, jobs: %d classify and %d finetune -n 2 runs, %.0f s: %s%n", i,
                        Math.min(tunings, i / 5), (System.nanoTime() - t0) / 1e9, m.line());
            }
        }
        Memory.Sample afterWarmUp = samples.get(0);
        Memory.Sample end = samples.get(samples.size() - 1);
        System.out.println("soak, jobs: " + runs + " classify runs (" + first + "), " + tunings
                + " fine-tunings; after warm-up " + afterWarmUp.line() + "; end " + end.line());
        assertEquals(afterWarmUp.managers(), end.managers(), "DJL managers left open");
        assertEquals(afterWarmUp.arrays(), end.arrays(), "DJL arrays left open");
        // what is live may not grow; what glibc keeps for reuse plateaus after the first fine-tunings (reported). Over
        // the 40 runs after warm-up in mvn verify, the JIT's and the other tests' leftovers move live memory by more
        // than 10 % either way (a CI run: +16 %, 615 to 716 MB, NMT +14 %); 1,000 runs alone moved it by -9 %: the
        // bound holds for a run of 500 or more (benchmarks/soak/run), and the shorter one reports its figures
        if (runs >= 500) {
            assertTrue(end.rssWithinTenPercentOf(afterWarmUp, Memory.Sample::trimmedRssKb), "RSS grew from "
                    + afterWarmUp.line() + " to " + end.line());
            assertTrue(end.nmtCommittedKb() <= afterWarmUp.nmtCommittedKb() * 1.10, "native memory grew from "
                    + afterWarmUp.line() + " to " + end.line() + "; " + end.nmtChange(afterWarmUp));
        }
    }
}
