package org.modelkit.translator.tanl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.translate.Entity;
import org.modelkit.api.translate.Translation;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.FormatException;
import org.modelkit.translator.tanl.format.Prf;
import org.modelkit.translator.tanl.format.Schema;
import org.modelkit.translator.tanl.format.TaskKind;

/**
 * The service end to end on a small toy model it trains itself: the model directory written as a whole and read back,
 * character offsets into the input, and the bad inputs of the issue refused with one line and nothing written.
 */
class TranslatorTest {
    @TempDir
    static Path tmp;
    static Path model;
    static TanlTranslator tanl;

    static TanlTranslator translator(Path m, int beams) {
        TanlTranslator t = new TanlTranslator("1.0.0", new TanlTranslator.Settings(m, beams, 0, 0));
        t.bind(LocalBackends.pytorchCpu("test"));
        return t;
    }

    @BeforeAll
    static void train() throws IOException {
        model = tmp.resolve("toy");
        TanlTranslator trainer = translator(null, 1);
        TaskSpec task = new TaskSpec("ner", TaskKind.NER, new Schema(Schema.ordered("PER", "person", "LOC", "location"),
                java.util.Map.of()));
        TanlTraining.Trained t = trainer.train(ToyNer.generate(4000, 11), task, TanlTraining.Options.toy(400, 5), model,
                Progress.NONE);
        double last = TanlTraining.tailMean(t.losses(), 20);
        assertTrue(last < 0.1, "loss of the last 20 steps " + last);
        tanl = translator(model, 1);
    }

    @Test
    void modelDirectoryIsComplete() {
        for (String f : List.of("model.json", "weights.bin", "vocab.txt", "loss.csv", "loss.png")) {
            assertTrue(Files.isRegularFile(model.resolve(f)), f);
        }
        assertEquals(Set.of("ner"), tanl.tasks());
    }

    @Test
    void entitiesCarryCharacterOffsets() {
        // held-out toy sentences, their words joined by irregular whitespace: the entities' offsets are the input's
        java.util.Random r = new java.util.Random(4);
        Prf found = Prf.ZERO;
        for (Example e : ToyNer.generate(30, 12)) {
            StringBuilder s = new StringBuilder();
            List<int[]> spans = new java.util.ArrayList<>();
            for (int i = 0; i < e.tokens().size(); i++) {
                if (i > 0) {
                    s.append(r.nextBoolean() ? " " : r.nextBoolean() ? "  " : "\t");
                }
                spans.add(new int[] {s.length(), s.length() + e.tokens().get(i).length()});
                s.append(e.tokens().get(i));
            }
            Translation t = tanl.translateDetailed("ner", s.toString());
            List<Entity> gold = new java.util.ArrayList<>();
            for (org.modelkit.translator.tanl.format.Span g : e.entities()) {
                gold.add(new Entity(spans.get(g.start())[0], spans.get(g.end() - 1)[1], g.type().equals("person") ? "PER"
                        : "LOC", s.substring(spans.get(g.start())[0], spans.get(g.end() - 1)[1])));
            }
            for (Entity x : t.output().entities()) {
                assertEquals(x.text(), s.substring(x.start(), x.end()));
            }
            found = found.plus(Prf.of(t.output().entities(), gold));
        }
        assertTrue(found.f1() >= 0.9, "entity F1 with character offsets " + found.f1());
        // the configured beams are used: four beams find the person at the start of an easy sentence too
        String s = "Alice met Bruno near Lima yesterday";
        assertTrue(translator(model, 4).translate("ner", s).entities().contains(new Entity(0, 5, "PER", "Alice")),
                translator(model, 4).translate("ner", s).augmented());
    }

    @Test
    void badInputIsRefusedWithOneLine() throws IOException {
        assertEquals("sentence is blank", assertThrows(IllegalArgumentException.class,
                () -> tanl.translate("ner", "   ")).getMessage());
        assertEquals("sentence is null", assertThrows(IllegalArgumentException.class,
                () -> tanl.translate("ner", null)).getMessage());
        assertEquals("the input is blank", assertThrows(IllegalArgumentException.class,
                () -> tanl.translateDetailed("ner", "   ")).getMessage());
        assertEquals("unknown task 'conll04'; this model knows: ner", assertThrows(IllegalArgumentException.class,
                () -> tanl.translate("conll04", "Alice met Bruno")).getMessage());
        String longer = String.join(" ", java.util.Collections.nCopies(200, "the"));
        String m = assertThrows(IllegalArgumentException.class, () -> tanl.translate("ner", longer)).getMessage();
        assertTrue(m.matches("the input has 201 tokens; the model takes at most \\d+"), m);
        // a model directory missing a file: named
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        for (String f : List.of("model.json", "vocab.txt")) {
            Files.copy(model.resolve(f), broken.resolve(f));
        }
        m = assertThrows(IllegalArgumentException.class, () -> translator(broken, 1).translate("ner", "Alice")).getMessage();
        assertEquals("model directory '" + broken + "' has no weights.bin", m);
        // a vocabulary without the marks cannot read its output back
        Files.writeString(broken.resolve("vocab.txt"), "<pad>\n</s>\n<unk>\nAlice\n[\n]\n|\n");
        Files.copy(model.resolve("weights.bin"), broken.resolve("weights.bin"));
        m = assertThrows(IllegalArgumentException.class, () -> translator(broken, 1).translate("ner", "Alice")).getMessage();
        assertTrue(m.contains("does not round-trip '='"), m);
        // a training target that exists as a file is refused before training
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        assertThrows(IllegalArgumentException.class, () -> translator(null, 1).train(ToyNer.generate(10, 1),
                new TaskSpec("ner", TaskKind.NER, Schema.CONLL03), TanlTraining.Options.toy(1, 1), file, Progress.NONE));
        assertEquals("x", Files.readString(file));
    }

    @Test
    void jsonlErrorsNameTheLine() throws IOException {
        Path f = tmp.resolve("bad.jsonl");
        Files.writeString(f, "{\"tokens\": [\"a\", \"b\"], \"entities\": [{\"type\": \"Peop\", \"start\": 0, \"end\": 1}]}\n"
                + "{\"tokens\": [\"a\"], \"entities\": [{\"type\": \"Peop\", \"start\": 0, \"end\": 3}]}\n");
        String m = assertThrows(FormatException.class, () -> SpertJsonl.read(f, null)).getMessage();
        assertTrue(m.contains(f + ":2") && m.contains("span [0, 3) out of range"), m);
        Files.writeString(f, "{\"tokens\": [\"a\", \"b\"], \"entities\": [{\"type\": \"Peop\", \"start\": 0, \"end\": 1}],"
                + " \"relations\": [{\"type\": \"Kill\", \"head\": 0, \"tail\": 4}]}\n");
        m = assertThrows(FormatException.class, () -> SpertJsonl.read(f, null)).getMessage();
        assertTrue(m.contains(f + ":1") && m.contains("naming no entity"), m);
        Files.writeString(f, "{\"tokens\": [\"a\"], \"entities\": [{\"type\": \"Drug\", \"start\": 0, \"end\": 1}]}\n");
        m = assertThrows(FormatException.class, () -> SpertJsonl.read(f, Schema.CONLL04)).getMessage();
        assertTrue(m.contains("entity type 'Drug'"), m);
        Files.write(f, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
        m = assertThrows(FormatException.class, () -> SpertJsonl.read(f, null)).getMessage();
        assertTrue(m.contains("is not UTF-8"), m);
        Files.writeString(f, "{\"tokens\": [\"Tolkien\", \"wrote\"], \"entities\": [{\"type\": \"Peop\", \"start\": 0,"
                + " \"end\": 1}]}\n");
        SpertJsonl.Read r = SpertJsonl.read(f, null);
        assertEquals("[ Tolkien | person ] wrote", r.examples().get(0).output());
        assertFalse(r.schema().entities().isEmpty());
    }
}
