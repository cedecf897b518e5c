package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.trainingtime.TrainingForecast;
import org.modelkit.api.trainingtime.TrainingPlan;
import org.modelkit.api.trainingtime.TrainingTimePredictor;
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
 * The training-time predictor inside Felix: the service on a PyTorch backend with the linearizer,
 * a stored model predicted by handle, and modelkit:forecast with --actual writing its folder.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ForecasterInFrameworkTest {
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
    TrainingTimePredictor predictor;

    @BeforeEach
    void open() throws Exception {
        Fixtures.StoreAt at = Fixtures.store(context, configAdmin, tmp.resolve("models"));
        storeConfig = at.config();
        store = at.store();
        backend = Fixtures.pytorchCpu(configAdmin);
        predictor = Fixtures.method(context, TrainingTimePredictor.class, "training-time");
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

    @Test
    void aStoredModelIsPredictedByHandle() throws Exception {
        ModelHandle h = store.importModel(testdata("models/digits04-mlp"), "digits04").handle();
        LabelledSet train = LabelledFiles.read(testdata("forecast/finetune.csv"));
        // the pre-trained 0-4 head kept: its Θ is steeper than a new head's, so a small rate
        TrainingForecast f = predictor.predict(h, train, new TrainingPlan(300, 150, 0.002, 0, 0, 0.05), Progress.NONE);
        double[] loss = f.loss();
        double[] acc = f.accuracy();
        System.out.println("forecast in Felix: loss " + loss[0] + " -> " + loss[300] + ", accuracy " + acc[0] + " -> " + acc[300]
                + ", target 0.05 at " + f.stepsToTarget());
        assertEquals(301, loss.length);
        assertTrue(loss[300] < 0.5 * loss[0] && acc[300] > acc[0] + 0.3, "the predicted curve learns");
        assertTrue(f.stepsToTarget() < 0 || loss[f.stepsToTarget()] <= 0.05, "the target step is the first at or below it");
    }

    @Test
    void forecastWithActualWritesTheCurvesAsOneFolder() throws Exception {
        Path out = tmp.resolve("forecast");
        Summary s = assertInstanceOf(Summary.class, session.execute("modelkit:forecast --new-head 5 -n 200 --lr 0.01 --actual"
                + " -o " + out + " " + testdata("models/digits04-mlp") + " " + testdata("forecast/finetune.csv")));
        assertTrue(s.headline().startsWith("predicted T(0.1) = "), s.headline());
        assertTrue(s.fields().get("T(0.1)").contains("actual"), s.fields().toString());
        List<String> csv = Files.readAllLines(out.resolve("forecast.csv"));
        assertEquals("step,predicted_loss,predicted_accuracy,actual_loss,actual_accuracy,linearized_loss", csv.get(0));
        String[] last = csv.get(201).split(",");
        assertEquals(Double.parseDouble(last[1]), Double.parseDouble(last[5]), 1e-6 * Double.parseDouble(last[5]),
                "the prediction is the linearized model's training");
        assertEquals(202, csv.size());
        assertTrue(Files.size(out.resolve("forecast.png")) > 1000);
        // a diverging plan is refused before anything is written, naming the stable rate; the folder stays
        byte[] before = Files.readAllBytes(out.resolve("forecast.csv"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.execute(
                "modelkit:forecast --new-head 5 -n 10 --lr 0.5 -o " + out + " " + testdata("models/digits04-mlp") + " "
                        + testdata("forecast/finetune.csv")));
        assertTrue(e.getMessage().contains("largest stable rate"), e.getMessage());
        assertEquals(new String(before), new String(Files.readAllBytes(out.resolve("forecast.csv"))));
        assertFalse(Files.list(tmp).anyMatch(p -> p.getFileName().toString().startsWith(".forecast")), "no staged folder left");
    }
}
