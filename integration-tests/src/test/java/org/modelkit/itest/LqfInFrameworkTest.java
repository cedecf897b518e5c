package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.finetune.FineTuneRequest;
import org.modelkit.api.finetune.FineTuneResult;
import org.modelkit.api.finetune.FineTuner;
import org.modelkit.api.finetune.Solver;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.ComputeBackend;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.api.linearizer.LinearizedModel;
import org.modelkit.compute.api.linearizer.Linearizer;
import org.modelkit.io.Idx;
import org.modelkit.nn.Networks;
import org.modelkit.shell.format.Summary;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** The LQF bundle inside Felix: the Linearizer service on a backend's manager, a fine-tuning through the service and the shell. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class LqfInFrameworkTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30000)
    CommandProcessor processor;

    @InjectService(timeout = 30000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 30000)
    Linearizer linearizer;

    FineTuner tuner;
    TensorBackend pytorch;
    Configuration backend;
    CommandSession session;

    @TempDir
    Path tmp;

    @BeforeEach
    void open() throws Exception {
        backend = Fixtures.pytorchCpu(configAdmin);
        tuner = Fixtures.method(context, FineTuner.class, "lqf");
        AtomicReference<TensorBackend> b = new AtomicReference<>();
        Await.until("the pytorch-cpu backend", () -> {
            try {
                context.getServiceReferences(TensorBackend.class, "(" + ComputeBackend.ID + "=pytorch-cpu)").stream()
                        .findFirst().ifPresent(r -> b.set(context.getService(r)));
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            return b.get() != null;
        });
        pytorch = b.get();
        session = Fixtures.session(processor);
    }

    @AfterEach
    void close() throws Exception {
        if (session != null) { // a failed set-up must not cascade into NullPointerExceptions
            session.close();
        }
        if (backend != null) {
            backend.delete();
        }
    }

    private Path testdata(String relative) {
        return Path.of(context.getProperty("modelkit.testdata"), relative);
    }

    @Test
    void theLinearizerServiceWorksOnABackendsManager() {
        try (NDManager m = pytorch.newManager()) {
            Block b = Networks.smallCnn(10, Networks.Nonlinearity.LEAKY_RELU, true);
            b.initialize(m, DataType.FLOAT32, new Shape(2, 1, 28, 28));
            NDArray x = m.randomUniform(0, 1, new Shape(2, 1, 28, 28));
            try (LinearizedModel lin = linearizer.linearize(b, n -> true, m)) {
                NDList v = new NDList();
                for (NDArray w : lin.weights0()) {
                    v.add(m.randomNormal(w.getShape()));
                }
                NDArray u = m.randomNormal(new Shape(2, 10));
                double left = lin.jvp(x, v).mul(u).sum().getFloat();
                double right = 0;
                NDList jtu = lin.vjp(x, u);
                for (int i = 0; i < v.size(); i++) {
                    right += v.get(i).mul(jtu.get(i)).sum().getFloat();
                }
                assertEquals(left, right, 1e-3 * Math.abs(left), "J·v and Jᵀ·u are adjoint");
                assertEquals(10, lin.outputs());
            }
        }
    }

    @Test
    void aFineTuningThroughTheService() throws Exception {
        LabelledSet train = Idx.readLabelled(testdata("mnist/train-1000-images-idx3-ubyte.gz"),
                testdata("mnist/train-1000-labels-idx1-ubyte.gz"), null);
        LabelledSet test = Idx.readLabelled(testdata("mnist/t10k-1000-images-idx3-ubyte.gz"),
                testdata("mnist/t10k-1000-labels-idx1-ubyte.gz"), null);
        int[] first = new int[100];
        for (int i = 0; i < first.length; i++) {
            first[i] = i;
        }
        Path out = tmp.resolve("lqf");
        FineTuneResult r = tuner.fineTune(new FineTuneRequest(testdata("models/fashion-cnn-leaky"), train.select(first),
                test, Solver.KFAC, 5, 2, 1, out), Progress.NONE);
        System.out.println("LQF in Felix, 100 MNIST samples, 5 K-FAC steps: test " + r.testAccuracy() + ", probe "
                + r.probeTestAccuracy() + ", loss " + java.util.Arrays.toString(r.loss()));
        assertEquals("pytorch-cpu", r.backend());
        assertTrue(r.loss()[5] < 0.1 * r.loss()[0], "the loss fell below 10% in 5 K-FAC steps");
        assertTrue(r.testAccuracy() > 0.4, "accuracy " + r.testAccuracy());
        int[] p = tuner.predict(out, test.features());
        assertEquals(r.testAccuracy(), test.accuracy(p), 1e-12);
    }

    @Test
    void aFineTuningThroughTheShell() throws Exception {
        Path out = tmp.resolve("shell");
        Summary s = assertInstanceOf(Summary.class, session.execute("modelkit:finetune -s kfac,gd -n 4 -k 1 --shots 3 -o "
                + out + " " + testdata("models/fashion-cnn-leaky") + " " + testdata("mnist/train-1000-images-idx3-ubyte.gz")
                + " " + testdata("mnist/t10k-1000-images-idx3-ubyte.gz")));
        assertTrue(s.headline().contains("LQF-kfac") && s.headline().contains("LQF-gd"), s.headline());
        assertEquals("30 labelled (3 per class), 1000 test", s.fields().get("samples"));
        assertTrue(Files.size(out.resolve("loss.png")) > 1000);
        assertTrue(Files.exists(out.resolve("delta.params")));
        Summary p = assertInstanceOf(Summary.class, session.execute("modelkit:finetuned " + out + " "
                + testdata("mnist/t10k-1000-images-idx3-ubyte.gz")));
        assertTrue(p.headline().startsWith("shell on 1000 samples: accuracy 0."), p.headline());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.execute(
                "modelkit:finetune -s newton " + testdata("models/fashion-cnn-leaky") + " "
                        + testdata("mnist/train-1000-images-idx3-ubyte.gz") + " "
                        + testdata("mnist/t10k-1000-images-idx3-ubyte.gz")));
        assertTrue(e.getMessage().contains("'newton'"), e.getMessage());
    }
}
