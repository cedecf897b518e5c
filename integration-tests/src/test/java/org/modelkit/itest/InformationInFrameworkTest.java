package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.information.InformationEstimator;
import org.modelkit.api.information.InformationSettings;
import org.modelkit.api.information.SampleInformation;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.progress.Progress;
import org.modelkit.io.LabelledFiles;
import org.modelkit.shell.format.Summary;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The information estimator inside Felix: the service on a PyTorch backend with the linearizer, a stored
 * w0 estimated by handle, and modelkit:informativeness writing its CSV and pictures as a whole.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class InformationInFrameworkTest {
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
    InformationEstimator estimator;

    @BeforeEach
    void open() throws Exception {
        Fixtures.StoreAt at = Fixtures.store(context, configAdmin, tmp.resolve("models"));
        storeConfig = at.config();
        store = at.store();
        backend = Fixtures.pytorchCpu(configAdmin);
        estimator = Fixtures.method(context, InformationEstimator.class, "unique-information");
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

    private Path testdata(String relative) {
        return Path.of(context.getProperty("modelkit.testdata"), relative);
    }

    /** Digits 4 and 9 as labels 0 and 1 (what --classes 4,9 does in the command). */
    private LabelledSet binary(String file) throws Exception {
        LabelledSet s = LabelledFiles.read(testdata(file));
        int[] labels = Arrays.stream(s.labels()).map(y -> y == 9 ? 1 : 0).toArray();
        return new LabelledSet(s.features(), labels, List.of("4", "9"));
    }

    @Test
    void aStoredW0IsEstimatedByHandle() throws Exception {
        ModelHandle h = store.importModel(testdata("models/digits-mlp256-init"), "digits-mlp256").handle();
        LabelledSet train = binary("information/digits49-train.csv");
        LabelledSet validation = binary("information/digits49-validation.csv");
        SampleInformation info = estimator.estimate(h, train, validation.features(),
                new InformationSettings(0.01, 600, 0, 1, 1, 0, 1), Progress.NONE);
        double[] f = info.function();
        double[] sorted = f.clone();
        Arrays.sort(sorted);
        System.out.println("F-SI in Felix: max " + sorted[79] + ", median " + sorted[40] + ", most informative "
                + Arrays.toString(info.mostInformative(3)));
        assertEquals(80, f.length);
        assertTrue(sorted[79] > 10 * sorted[40], "a few samples carry much more information than the median one");
        // the configured settings (projection 2,000 per tensor), the training inputs as validation
        SampleInformation configured = estimator.estimate(h, train, Progress.NONE);
        assertEquals(80, configured.function().length);
        assertEquals(info.mostInformative(1)[0], configured.mostInformative(1)[0], "the same sample stands out");
        // bad input: the labels 4 and 9 do not fit one output; nothing is computed
        LabelledSet raw = LabelledFiles.read(testdata("information/digits49-train.csv"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> estimator.estimate(h, raw,
                Progress.NONE));
        assertTrue(e.getMessage().contains("does not fit the model's 1 output"), e.getMessage());
    }

    @Test
    void informativenessWritesItsCsvAndPicturesAsAWhole() throws Exception {
        Path out = tmp.resolve("info").resolve("digits49.csv");
        String args = " --validation " + testdata("information/digits49-validation.csv") + " "
                + testdata("models/digits-mlp256-init") + " " + testdata("information/digits49-train.csv") + " " + out;
        Summary s = assertInstanceOf(Summary.class, session.execute("modelkit:informativeness --classes 4,9 --flip 0.1"
                + " --projection 0" + args));
        System.out.println(s.headline());
        assertTrue(s.headline().contains("flipped labels flagged with AUC"), s.headline());
        double auc = Double.parseDouble(s.headline().replaceAll(".*AUC ", ""));
        assertTrue(auc >= 0.9, "AUC " + auc);
        List<String> csv = Files.readAllLines(out);
        assertEquals("index,label,flipped,fsi_nats,weight_si_nats,rank", csv.get(0));
        assertEquals(81, csv.size());
        assertEquals(8, csv.stream().filter(l -> l.contains(",true,")).count(), "10% of 80 labels flipped");
        Path top = tmp.resolve("info/digits49-top.png");
        Path hist = tmp.resolve("info/digits49-hist.png");
        assertTrue(Files.size(top) > 5000 && Files.size(hist) > 5000);
        // a diverging rate is refused before anything is written; the three files stay as they were
        byte[] before = Files.readAllBytes(out);
        byte[] beforeTop = Files.readAllBytes(top);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.execute(
                "modelkit:informativeness --classes 4,9 --lr 1" + args));
        assertTrue(e.getMessage().contains("diverges"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(out));
        assertArrayEquals(beforeTop, Files.readAllBytes(top));
        assertFalse(Files.list(out.getParent()).anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary file left");
    }
}
