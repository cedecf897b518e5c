package org.modelkit.translator.tanl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.translate.Entity;
import org.modelkit.api.translate.Translation;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.translator.tanl.format.Prf;
import org.modelkit.translator.tanl.format.Schema;

/**
 * The committed CoNLL04-like model (scripts/make-tanl-models: 20,000 generated sentences, word tokenizer with
 * positional placeholders) on sentences whose persons and places it never saw in training: entity F1 at least 0.8
 * and relation F1 at least 0.5 (floors not calibrated, the issue's); held-out templates are reported only. And the
 * SentencePiece tokenizer fixture made by the same script: the marks round-trip, a file that is not a model is
 * refused.
 */
class Conll04ModelTest {
    static Path model;
    static TanlTranslator tanl;

    static Path top() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p;
    }

    @BeforeAll
    static void load() {
        model = top().resolve("testdata/models/tanl-conll04");
        tanl = new TanlTranslator("1.0.0", new TanlTranslator.Settings(model, 1, 0, 0));
        tanl.bind(LocalBackends.pytorchCpu("test"));
    }

    @AfterAll
    static void close() {
        tanl.deactivate();
    }

    private static double[] score(List<Example> data) {
        List<String> inputs = new ArrayList<>();
        for (Example e : data) {
            inputs.add(e.input());
        }
        List<Translation> got = tanl.translate(null, "conll04", inputs, Progress.NONE);
        Prf ent = Prf.ZERO;
        Prf rel = Prf.ZERO;
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < data.size(); i++) {
            Example p = TanlCommands.predicted(data.get(i), got.get(i), Schema.CONLL04);
            ent = ent.plus(Prf.of(p.entities(), data.get(i).entities()));
            rel = rel.plus(Prf.of(p.relations(), data.get(i).relations()));
            distinct.add(got.get(i).output().augmented());
        }
        assertTrue(distinct.size() > data.size() * 9 / 10, "outputs are not a few strings repeated: " + distinct.size());
        return new double[] {ent.f1(), rel.f1(), ent.precision(), ent.recall(), rel.precision(), rel.recall()};
    }

    @Test
    void heldOutNames() {
        Conll04Like g = Conll04Like.load();
        double[] test = score(g.generate(150, Conll04Like.Split.TEST, 2));
        double[] unseen = score(g.generate(100, Conll04Like.Split.UNSEEN_TEMPLATES, 3));
        System.out.printf("CoNLL04-like, held-out names: entity F1 %.3f (P %.3f R %.3f), relation F1 %.3f (P %.3f R %.3f);"
                + " held-out templates: entity F1 %.3f, relation F1 %.3f%n", test[0], test[2], test[3], test[1], test[4],
                test[5], unseen[0], unseen[1]);
        assertTrue(test[0] >= 0.8, "entity F1 " + test[0]);
        assertTrue(test[1] >= 0.5, "relation F1 " + test[1]);
    }

    @Test
    void tolkien() {
        String s = "Tolkien was born in South Africa and worked for Oxford University .";
        Translation t = tanl.translateDetailed("conll04", s);
        System.out.println("Tolkien: " + t.output().augmented() + " " + t.output().relations());
        for (Entity e : t.output().entities()) {
            assertEquals(e.text(), s.substring(e.start(), e.end()));
        }
        assertTrue(t.output().entities().contains(new Entity(0, 7, "Peop", "Tolkien")), t.output().entities().toString());
    }

    @Test
    void sentencePieceTokenizer(@TempDir Path tmp) throws IOException {
        try (SpmTokenizer spm = SpmTokenizer.load(top().resolve("testdata/tanl/spiece.model"))) {
            String s = "[ Tolkien | person | lives in = South Africa ] was born in [ South Africa | location ] .";
            assertEquals(s, spm.decode(spm.encode(s)));
            int[] ids = spm.encode("Oxford");
            assertEquals(TextTokenizer.EOS, ids[ids.length - 1]);
            assertTrue(spm.size() > 1000 && spm.size() <= 4000, "pieces " + spm.size());
        }
        Path notAModel = tmp.resolve("spiece.model");
        Files.writeString(notAModel, "this is not a model");
        String m = assertThrows(IllegalArgumentException.class, () -> SpmTokenizer.load(notAModel)).getMessage();
        assertTrue(m.contains("is not a SentencePiece model"), m);
    }
}
