package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.classify.Classifier;
import org.modelkit.api.congruent.CongruentReport;
import org.modelkit.api.congruent.CongruentRequest;
import org.modelkit.api.congruent.CongruentTrainer;
import org.modelkit.api.congruent.FlipMetrics;
import org.modelkit.api.congruent.Loss;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.model.PromotionGate;
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
 * Positive-congruent training inside Felix: modelkit:distill and modelkit:flips writing their folders, and the
 * negative-flip gate on the model store's promotions.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class CongruentInFrameworkTest {
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
    Configuration gate;
    CommandSession session;
    ModelStore store;
    CongruentTrainer trainer;

    @BeforeEach
    void open() throws Exception {
        Fixtures.StoreAt at = Fixtures.store(context, configAdmin, tmp.resolve("models"));
        storeConfig = at.config();
        store = at.store();
        backend = Fixtures.pytorchCpu(configAdmin);
        trainer = Fixtures.method(context, CongruentTrainer.class, "focal-distillation");
        session = Fixtures.session(processor);
    }

    @AfterEach
    void close() throws Exception {
        if (session != null) {
            session.close();
        }
        if (gate != null) {
            gate.delete();
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

    @Test
    void distillAndFlipsWriteTheirFolders() throws Exception {
        Path out = tmp.resolve("distill");
        String train = testdata("fashion-mnist/train-2000-images-idx3-ubyte.gz").toString();
        String test = testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz").toString();
        String old = testdata("models/fashion-mlp-old").toString();
        Summary s = assertInstanceOf(Summary.class, session.execute("modelkit:distill -l ce,fd-kl -e 3 -n small-cnn --publish pc -o "
                + out + " " + old + " " + train + " " + test));
        System.out.println(s.headline() + "\n" + s.fields());
        assertTrue(s.headline().startsWith("2 losses trained; fewest negative flips: "), s.headline());
        assertTrue(Files.isRegularFile(out.resolve("ce/parameters.params")) && Files.isRegularFile(out.resolve("fd-kl/model.json")));
        assertEquals(1 + 2 * 3, Files.readAllLines(out.resolve("history.csv")).size());
        assertTrue(Files.size(out.resolve("nfr-vs-error.png")) > 5000);
        assertTrue(s.fields().get("published").startsWith("pc-ce@1, pc-fd-kl@1"), s.fields().toString());
        assertTrue(store.open(store.resolve("pc-fd-kl@1")).has("djl-params"));
        // flips of the CE model against the reference: the same NFR distill measured in memory
        Path flips = tmp.resolve("flips");
        Summary f = assertInstanceOf(Summary.class, session.execute("modelkit:flips -o " + flips + " " + old + " " + out.resolve("ce")
                + " " + test));
        System.out.println(f.headline());
        String nfr = f.headline().replaceAll("^NFR ([0-9.]+) %.*", "$1");
        assertTrue(s.fields().get("ce").contains("NFR " + nfr + " %"), s.fields().get("ce") + " vs " + f.headline());
        assertEquals(1001, Files.readAllLines(flips.resolve("flips.csv")).size());
        assertTrue(Files.size(flips.resolve("flips.png")) > 2000 && Files.exists(flips.resolve("flip-pairs.csv")));
        // bad input: a reference that does not take these samples; nothing is written
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.execute("modelkit:distill -l ce"
                + " -e 1 -o " + tmp.resolve("bad") + " " + testdata("models/digits04-mlp") + " " + train + " " + test));
        assertTrue(e.getMessage().contains("takes inputs of shape [8, 8]"), e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("bad")));
    }

    @Test
    void theGateRefusesAnUpdateThatFlipsTooMuch() throws Exception {
        Path heldout = testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz");
        Path cnn = testdata("models/fashion-cnn-leaky");
        ModelHandle v1 = store.importModel(cnn, "fashion-cnn").handle();
        // @2: the same network without its DJL parameters (ONNX and TorchScript only): the same predictions
        ModelHandle v2 = store.publish("fashion-cnn", v1, "test", Map.of(), dir -> {
            Files.copy(cnn.resolve("model.onnx"), dir.resolve("model.onnx"));
            Files.copy(cnn.resolve("model.pt"), dir.resolve("model.pt"));
        }).handle();
        // @3: a CNN trained from scratch on the 2,000 committed images, 3 epochs (a DJL model folder)
        LabelledSet train = LabelledFiles.read(testdata("fashion-mnist/train-2000-images-idx3-ubyte.gz"));
        LabelledSet test = LabelledFiles.read(heldout);
        CongruentReport scratch = trainer.train(new CongruentRequest(List.of(cnn), "small-cnn/leaky_relu", train, test, Loss.CE, 1,
                5, 100, 3, 1, tmp.resolve("scratch")), Progress.NONE);
        ModelHandle v3 = store.publish("fashion-cnn", v2, "test", Map.of(), dir -> {
            Files.copy(tmp.resolve("scratch/model.json"), dir.resolve("model.json"));
            Files.copy(tmp.resolve("scratch/parameters.params"), dir.resolve("parameters.params"));
        }).handle();
        Path reports = tmp.resolve("gates");
        gate = configAdmin.getFactoryConfiguration("org.modelkit.distiller.focal.gate", "nfr-fashion", "?");
        gate.update(new Hashtable<>(Map.of("model.id", "fashion-cnn", "heldout", heldout.toString(), "max.nfr", 0.01,
                "report.dir", reports.toString())));
        Await.until("the gate nfr-fashion", () -> gateNamed("nfr-fashion"));

        assertEquals(v2, store.promote(v2).handle(), "the same predictions: NFR 0, accepted");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.promote(v3));
        System.out.println(e.getMessage() + " (trained from scratch: test error " + scratch.evaluation().newErrorRate() + ")");
        assertTrue(e.getMessage().contains("refused by gate nfr-fashion: NFR ") && e.getMessage().contains(
                "> 0.010 against fashion-cnn@2 on 1000 held-out samples; report "), e.getMessage());
        assertEquals(v2, store.describe("fashion-cnn").handle(), "the current version stays");
        // the report's NFR is FlipMetrics.of on the classifier's own predictions
        Classifier classify = Fixtures.method(context, Classifier.class, "classify");
        FlipMetrics direct = FlipMetrics.of(test.labels(), classify.classify(store.open(v2).directory(), test.features(),
                Progress.NONE).predicted(), classify.classify(store.open(v3).directory(), test.features(), Progress.NONE).predicted());
        String report = Files.readString(reports.resolve("fashion-cnn@3/report.json"));
        double nfr = Double.parseDouble(report.replaceAll("(?s).*\"nfr\": ([0-9.E-]+).*", "$1"));
        assertEquals(direct.negativeFlipRate(), nfr, 1e-12, report);
        assertTrue(nfr >= 0.05, "from scratch, NFR " + nfr);
        assertTrue(report.contains("\"verdict\": \"refused\"") && report.contains("\"heldout_sha256\""), report);
        String dry = String.valueOf(session.execute("modelkit:gate check fashion-cnn@3"));
        assertTrue(dry.startsWith("gate nfr-fashion refused fashion-cnn@3: NFR "), dry);
        // NFR at the threshold passes
        gate.update(new Hashtable<>(Map.of("model.id", "fashion-cnn", "heldout", heldout.toString(), "max.nfr", nfr,
                "report.dir", reports.toString())));
        Await.until("the gate with the new threshold", () -> check("fashion-cnn@3").startsWith(
                "gate nfr-fashion accepts fashion-cnn@3"));
        assertEquals(v3, store.promote(v3).handle());
    }

    private String check(String ref) {
        try {
            return String.valueOf(session.execute("modelkit:gate check " + ref));
        } catch (Exception e) {
            return "failed: " + e.getMessage();
        }
    }

    private boolean gateNamed(String name) {
        try {
            return !context.getServiceReferences(PromotionGate.class, "(service.pid=org.modelkit.distiller.focal.gate~" + name + ")")
                    .isEmpty();
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
