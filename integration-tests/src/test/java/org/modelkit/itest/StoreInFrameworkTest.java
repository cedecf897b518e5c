package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.classify.Classifier;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.model.PromotionGate;
import org.modelkit.api.model.StoredModel;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.TextTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The model store inside Felix: the service on a configured root, its commands, classify by handle,
 * finetune --publish creating a child version, a promotion gate service refusing, an ambiguous word.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class StoreInFrameworkTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30000)
    CommandProcessor processor;

    @InjectService(timeout = 30000)
    ConfigurationAdmin configAdmin;

    @TempDir
    Path tmp;

    Configuration storeConfig;
    Configuration backend;
    CommandSession session;
    ModelStore store;

    @BeforeEach
    void open() throws Exception {
        Fixtures.StoreAt at = Fixtures.store(context, configAdmin, tmp.resolve("store"));
        storeConfig = at.config();
        store = at.store();
        backend = Fixtures.pytorchCpu(configAdmin);
        Fixtures.method(context, Classifier.class, "classify");
        session = Fixtures.session(processor);
    }

    @AfterEach
    void close() throws Exception {
        if (session != null) {
            session.close();
        }
        if (backend != null) {
            backend.delete();
        }
        if (storeConfig != null) {
            storeConfig.delete();
        }
    }

    private String testdata(String relative) {
        return Path.of(context.getProperty("modelkit.testdata"), relative).toString();
    }

    @Test
    void importClassifyFineTuneAndPublishThroughTheShell() throws Exception {
        String cnn = testdata("models/fashion-cnn-leaky");
        String imported = (String) session.execute("modelkit:model import " + cnn);
        assertTrue(imported.startsWith("imported " + cnn + " as fashion-cnn-leaky@1 (djl-params, onnx, torchscript; 0.6 MB;"
                + " sha256 "), imported);
        String again = (String) session.execute("modelkit:model import " + cnn);
        assertTrue(again.contains("already stored as fashion-cnn-leaky@1"), again);
        TextTable t = assertInstanceOf(TextTable.class, session.execute("modelkit:models"));
        assertEquals(1, t.rows().size());
        assertEquals("import", t.rows().get(0).get(4));

        String images = testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz");
        Summary byHandle = assertInstanceOf(Summary.class, session.execute("modelkit:classify fashion-cnn-leaky@1 " + images));
        Summary byPath = assertInstanceOf(Summary.class, session.execute("modelkit:classify " + cnn + " " + images));
        System.out.println("classify by handle: " + byHandle.headline() + "; by path: " + byPath.headline());
        assertTrue(byHandle.headline().startsWith("fashion-cnn-leaky@1 on 1000 samples: accuracy 0.9130"), byHandle.headline());
        assertTrue(byPath.headline().startsWith("fashion-cnn-leaky on 1000 samples: accuracy 0.9130"), byPath.headline());

        Summary ft = assertInstanceOf(Summary.class, session.execute("modelkit:finetune -n 3 -k 1 --shots 3 --publish"
                + " mnist-lqf fashion-cnn-leaky " + testdata("mnist/train-1000-images-idx3-ubyte.gz") + " "
                + testdata("mnist/t10k-1000-images-idx3-ubyte.gz")));
        assertTrue(ft.fields().get("published").startsWith("mnist-lqf@1 (parent fashion-cnn-leaky@1)"), ft.fields().toString());
        StoredModel child = store.describe("mnist-lqf");
        assertEquals("fashion-cnn-leaky@1", child.parent().toString());
        assertTrue(child.creator().startsWith("lqf "), child.creator());
        assertTrue(child.has("djl-params"));
        Summary show = assertInstanceOf(Summary.class, session.execute("modelkit:model show mnist-lqf"));
        assertEquals("mnist-lqf@1 <- fashion-cnn-leaky@1 (import)", show.fields().get("lineage"));
        Summary run = assertInstanceOf(Summary.class, session.execute("modelkit:finetuned mnist-lqf@1 "
                + testdata("mnist/t10k-1000-images-idx3-ubyte.gz")));
        assertTrue(run.headline().startsWith("mnist-lqf@1 on 1000 samples: accuracy "), run.headline());
        assertEquals(child.properties().get("test accuracy"), run.headline().replaceAll(".*accuracy (0\\.[0-9]{4}).*", "$1"),
                "the stored model predicts what the fine-tuning measured");

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> session.execute("modelkit:classify fashion-cnn-leaky@9 " + images));
        assertTrue(unknown.getMessage().contains("no version 9"), unknown.getMessage());
    }

    @Test
    void teachPublishesATeacherThatReloadsWithItsAccuracy() throws Exception {
        String test = testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz");
        Summary s = assertInstanceOf(Summary.class, session.execute("modelkit:teach -l 0.05 -e 1 -s 3 --publish fm-eman "
                + testdata("fashion-mnist/train-2000-images-idx3-ubyte.gz") + " " + test));
        assertEquals("teacher fm-eman@1, student fm-eman-student@1", s.fields().get("published"));
        StoredModel teacher = store.open(store.resolve("fm-eman"));
        StoredModel student = store.open(store.resolve("fm-eman-student"));
        assertEquals("teacher", teacher.properties().get("role"));
        assertEquals("fm-eman@1", student.properties().get("teacher"));
        assertTrue(teacher.spec() != null && teacher.spec().contains("small-cnn"), teacher.spec());
        assertTrue(teacher.creator().startsWith("eman "), teacher.creator());
        // the stored teacher is the trained one: rebuilt from model.json, it scores what the run measured
        org.modelkit.api.data.LabelledSet set = org.modelkit.io.LabelledFiles.read(Path.of(test));
        org.modelkit.compute.api.TensorBackend tb = context.getService(context.getServiceReferences(
                org.modelkit.compute.api.TensorBackend.class, "(" + org.modelkit.compute.api.ComputeBackend.ID + "=pytorch-cpu)")
                .iterator().next());
        try (ai.djl.ndarray.NDManager m = tb.newManager()) {
            org.modelkit.nn.ModelFiles.Loaded net = org.modelkit.nn.ModelFiles.load(teacher.directory(), m);
            int[] rows = new int[set.size()];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = i;
            }
            ai.djl.ndarray.NDArray x = org.modelkit.nn.Datasets.rows(m, set.features(), rows);
            int[] p = net.block().forward(new ai.djl.training.ParameterStore(m, false), new ai.djl.ndarray.NDList(x), false)
                    .singletonOrThrow().argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
            double acc = set.accuracy(p);
            System.out.println("stored EMAN teacher reloaded: accuracy " + acc + ", recorded "
                    + teacher.properties().get("teacher test accuracy"));
            assertEquals(Double.parseDouble(teacher.properties().get("teacher test accuracy")), acc, 0.0015);
            assertTrue(acc > 0.3, "a trained network, not a constant one: " + acc);
        }
    }

    @Test
    void aGateServiceRefusesAPromotionAndAWordThatIsBothIsAmbiguous() throws Exception {
        StoredModel v1 = store.importModel(Path.of(testdata("models/fashion-cnn-leaky/model.onnx")), "gated");
        StoredModel v2 = store.importModel(Path.of(testdata("models/fashion-cnn-leaky/model.pt")), "gated");
        assertEquals("gated@2", v2.handle().toString());
        ServiceRegistration<PromotionGate> reg = context.registerService(PromotionGate.class, new PromotionGate() {
            @Override
            public String name() {
                return "no-torchscript";
            }

            @Override
            public Optional<String> objection(StoredModel current, StoredModel candidate) {
                return candidate.has("torchscript") ? Optional.of("TorchScript is not allowed here") : Optional.empty();
            }
        }, null);
        try {
            IllegalStateException no = assertThrows(IllegalStateException.class,
                    () -> session.execute("modelkit:model promote gated@2"));
            assertTrue(no.getMessage().contains("no-torchscript") && no.getMessage().contains("not allowed"), no.getMessage());
            assertEquals(v1.handle(), store.resolve("gated"));
        } finally {
            reg.unregister();
        }
        assertTrue(((String) session.execute("modelkit:model promote gated@2")).startsWith("promoted gated@2"));
        assertEquals(v2.handle(), store.resolve("gated"));

        Path clash = Path.of("gated").toAbsolutePath();
        Files.createDirectories(clash);
        try {
            IllegalArgumentException amb = assertThrows(IllegalArgumentException.class, () -> session.execute(
                    "modelkit:classify gated " + testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz")));
            assertTrue(amb.getMessage().contains("ambiguous") && amb.getMessage().contains("./gated"), amb.getMessage());
        } finally {
            Files.delete(clash);
        }
    }
}
