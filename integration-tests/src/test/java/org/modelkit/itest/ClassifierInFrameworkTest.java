package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.modelkit.api.classify.Classification;
import org.modelkit.api.classify.Classifier;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.method.Method;
import org.modelkit.api.progress.Progress;
import org.modelkit.io.Idx;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.TextTable;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The inference method on both backends: the pre-trained Fashion-MNIST CNN as ONNX on onnx-cpu and as
 * TorchScript on pytorch-cpu, switched with modelkit:backend use; the methods that need autograd stay.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ClassifierInFrameworkTest {
    static final String PID = "org.modelkit.classifier";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30000)
    CommandProcessor processor;

    @InjectService(timeout = 30000)
    ConfigurationAdmin configAdmin;

    final List<Configuration> created = new ArrayList<>();
    Classifier classifier;
    CommandSession session;

    @BeforeEach
    void open() throws Exception {
        created.add(Fixtures.pytorchCpu(configAdmin));
        created.add(Fixtures.onnxCpu(configAdmin));
        session = Fixtures.session(processor);
        AtomicReference<Classifier> c = new AtomicReference<>();
        Await.until("the classify service and both backends", () -> {
            try {
                context.getServiceReferences(Classifier.class, "(" + Method.NAME_PROPERTY + "=classify)").stream()
                        .findFirst().ifPresent(r -> c.set(context.getService(r)));
                TextTable t = (TextTable) session.execute("modelkit:backends");
                return c.get() != null && t.rows().stream().filter(r -> r.get(4).startsWith("available")).count() >= 2;
            } catch (Exception e) {
                return false;
            }
        });
        classifier = c.get();
    }

    @AfterEach
    void close() throws Exception {
        if (session != null) { // a failed set-up must not cascade into NullPointerExceptions
            session.close();
        }
        for (Configuration c : created) {
            c.delete();
        }
        Fixtures.removeSavedChoice(context, configAdmin, PID);
    }

    private Path testdata(String relative) {
        return Path.of(context.getProperty("modelkit.testdata"), relative);
    }

    private Classification on(String backend, LabelledSet test) throws Exception {
        Summary s = (Summary) session.execute("modelkit:backend use " + backend + " classify");
        assertEquals("backend " + backend + " for classify", s.headline());
        AtomicReference<Classification> r = new AtomicReference<>();
        Await.until("classify on " + backend, () -> {
            Classification c = classifier.classify(testdata("models/fashion-cnn-leaky"), test.features(), Progress.NONE);
            r.set(c);
            return c.backend().equals(backend);
        });
        return r.get();
    }

    @Test
    void theSameNetworkOnBothBackendsSwitchedFromTheShell() throws Exception {
        LabelledSet test = Idx.readLabelled(testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz"),
                testdata("fashion-mnist/t10k-1000-labels-idx1-ubyte.gz"), null);
        Classification onnx = on("onnx-cpu", test);
        Classification torch = on("pytorch-cpu", test);
        assertTrue(onnx.model().endsWith("model.onnx") && torch.model().endsWith("model.pt"));
        double a = onnx.accuracy(test.labels());
        double b = torch.accuracy(test.labels());
        int same = 0;
        for (int i = 0; i < test.size(); i++) {
            same += onnx.predicted()[i] == torch.predicted()[i] ? 1 : 0;
        }
        float maxDiff = 0;
        float[] x = onnx.scores().toArray();
        float[] y = torch.scores().toArray();
        for (int i = 0; i < x.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
        }
        System.out.printf("classify, 1,000 Fashion-MNIST test images: onnx-cpu %.4f, pytorch-cpu %.4f, same prediction %d,"
                + " max |score difference| %.2e%n", a, b, same, maxDiff);
        assertTrue(a > 0.85, "accuracy " + a);
        assertEquals(test.size(), same, "both backends predict the same classes");
        assertTrue(maxDiff < 1e-3, "scores differ by " + maxDiff);
        // the choice is saved where FileInstall reads it back after a restart
        String saved = Files.readString(Path.of(context.getProperty("felix.fileinstall.dir"), PID + ".cfg"));
        assertTrue(saved.contains("backend.target=(modelkit.backend.id\\=pytorch-cpu)"), saved);
    }

    @Test
    void aModelTheBoundBackendCannotLoadIsRefusedNamingBoth() throws Exception {
        LabelledSet test = Idx.readLabelled(testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz"),
                testdata("fashion-mnist/t10k-1000-labels-idx1-ubyte.gz"), null);
        on("onnx-cpu", test);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier.classify(
                testdata("models/fashion-cnn-leaky/model.pt"), test.features(), Progress.NONE));
        assertTrue(e.getMessage().contains("onnx-cpu") && e.getMessage().contains("TORCHSCRIPT"), e.getMessage());
    }
}
