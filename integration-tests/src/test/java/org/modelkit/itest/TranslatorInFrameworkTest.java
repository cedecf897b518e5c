package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.translate.Entity;
import org.modelkit.api.translate.StructuredOutput;
import org.modelkit.api.translate.StructuredTranslator;
import org.modelkit.shell.format.Summary;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * TANL inside Felix: the committed CoNLL04-like model (SentencePiece natives from the DJL bundle) configured through
 * ConfigAdmin and used as a StructuredTranslator on the Tolkien sentence; modelkit:translate on a sentence and on a
 * JSONL file written by modelkit:tanldata; a small model trained with modelkit:tanltrain.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class TranslatorInFrameworkTest {
    static final String PID = "org.modelkit.translator.tanl";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30000)
    CommandProcessor processor;

    @InjectService(timeout = 30000)
    ConfigurationAdmin configAdmin;

    @TempDir
    Path tmp;

    Configuration backend;
    CommandSession session;

    @BeforeEach
    void open() throws Exception {
        backend = Fixtures.pytorchCpu(configAdmin);
        Fixtures.method(context, StructuredTranslator.class, "tanl");
        session = Fixtures.session(processor);
    }

    @AfterEach
    void close() throws Exception {
        if (session != null) {
            session.close();
        }
        configAdmin.getConfiguration(PID, "?").delete();
        if (backend != null) {
            backend.delete();
        }
    }

    @Test
    void translatesWithTheCommittedModel() throws Exception {
        Path model = Path.of(context.getProperty("modelkit.testdata"), "models/tanl-conll04");
        Configuration c = configAdmin.getConfiguration(PID, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("model", model.toString());
        c.update(props);
        StructuredTranslator tanl = Fixtures.method(context, StructuredTranslator.class, "tanl");
        Await.until("the configured model in use", () -> tanl.tasks().contains("conll04"));
        String s = "Tolkien was born in South Africa and worked for Oxford University .";
        StructuredOutput out = tanl.translate("conll04", s);
        System.out.println("tanl in Felix: " + out.augmented());
        assertTrue(out.entities().contains(new Entity(0, 7, "Peop", "Tolkien")), out.entities().toString());
        for (Entity e : out.entities()) {
            assertEquals(e.text(), s.substring(e.start(), e.end()));
        }
        Object printed = session.execute("modelkit:translate \"" + s + "\"");
        assertTrue(printed.toString().contains("[ Tolkien | person"), printed.toString());

        // a data set written by the shell, translated and scored as a whole
        session.execute("modelkit:tanldata -k conll04 -n 20 --split test -s 5 " + tmp.resolve("test.jsonl"));
        Summary scored = assertInstanceOf(Summary.class, session.execute("modelkit:translate -f " + tmp.resolve("test.jsonl")
                + " -o " + tmp.resolve("eval")));
        System.out.println("translate -f in Felix: " + scored.headline());
        assertTrue(scored.headline().startsWith("20 sentences of "), scored.headline());
        assertTrue(Files.isRegularFile(tmp.resolve("eval/predictions.jsonl"))
                && Files.isRegularFile(tmp.resolve("eval/metrics.csv")));
        assertEquals(20, Files.readAllLines(tmp.resolve("eval/predictions.jsonl")).size());
        java.util.List<String> metrics = Files.readAllLines(tmp.resolve("eval/metrics.csv"));
        assertEquals("metric,precision,recall,f1,correct,predicted,gold,sentences", metrics.get(0));
        String[] entity = metrics.get(1).split(",", -1);
        assertEquals("entity", entity[0]);
        assertTrue(scored.headline().contains(String.format(java.util.Locale.ROOT, "entity F1 %.3f",
                Double.parseDouble(entity[3]))), metrics.get(1) + " vs " + scored.headline());
        for (String row : metrics.subList(3, metrics.size())) {
            String[] x = row.split(",", -1);
            assertTrue(x[0].startsWith("error ") && x[4].isEmpty() && Integer.parseInt(x[7]) <= 20, row);
        }

        // bad input: one line, nothing written
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> session.execute("modelkit:translate -t ace05 \"" + s + "\""));
        assertEquals("unknown task 'ace05'; this model knows: conll04", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> session.execute("modelkit:translate -f "
                + tmp.resolve("missing.jsonl") + " -o " + tmp.resolve("eval2")));
        assertFalse(Files.exists(tmp.resolve("eval2")));
    }

    @Test
    void trainsASmallModelFromTheShell() throws Exception {
        session.execute("modelkit:tanldata -k toy -n 500 -s 3 " + tmp.resolve("toy.jsonl"));
        Summary t = assertInstanceOf(Summary.class, session.execute("modelkit:tanltrain -t ner -s 30 -o " + tmp.resolve("toy")
                + " " + tmp.resolve("toy.jsonl")));
        System.out.println("tanltrain in Felix: " + t.headline() + " " + t.fields());
        assertTrue(t.headline().startsWith("TANL task ner (ner) trained on 500 sentences: 30 steps"), t.headline());
        for (String f : new String[] {"model.json", "weights.bin", "vocab.txt", "loss.csv", "loss.png"}) {
            assertTrue(Files.isRegularFile(tmp.resolve("toy").resolve(f)), f);
        }
    }
}
