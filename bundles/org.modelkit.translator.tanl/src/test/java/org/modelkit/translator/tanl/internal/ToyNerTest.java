package org.modelkit.translator.tanl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.translator.tanl.format.Decoded;
import org.modelkit.translator.tanl.format.JointEr;
import org.modelkit.translator.tanl.format.Prf;

/**
 * The notes' toy: the transformer (d = 64, 2 + 2 layers, 4 heads, Adam 1e-3, batch 64, word-level) learns TANL's NER
 * format from scratch in 400 steps; entity F1 on 200 held-out sentences at least 0.9 (notes: 0.993).
 */
class ToyNerTest {
    static TensorBackend backend;
    static Seq2SeqModel model;
    static double[] losses;
    static List<Example> heldOut;

    @BeforeAll
    static void train() {
        backend = LocalBackends.pytorchCpu("test");
        List<Example> train = ToyNer.generate(4000, 1);
        heldOut = ToyNer.generate(200, 2);
        List<List<String>> texts = new ArrayList<>();
        for (Example e : train) {
            texts.add(e.tokens());
            texts.add(List.of(e.output().split(" ")));
        }
        WordVocabulary v = WordVocabulary.build(texts);
        model = Seq2SeqModel.create(backend, Seq2SeqSpec.toy(v.size(), 16, 40), v, 7);
        List<Seq2SeqModel.Pair2> pairs = new ArrayList<>();
        for (Example e : train) {
            pairs.add(new Seq2SeqModel.Pair2(v.encode(e.input()), v.encodeTarget(e.output(), e.input())));
        }
        long t0 = System.nanoTime();
        losses = model.train(pairs, new Seq2SeqModel.TrainOptions(400, 64, 1e-3, 3), Progress.NONE);
        System.out.printf("toy NER: 400 steps in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void learnsTheFormat() {
        List<int[]> src = new ArrayList<>();
        for (Example e : heldOut) {
            src.add(model.vocabulary().encode(e.input()));
        }
        List<int[]> out = model.greedy(src);
        Prf entities = Prf.ZERO;
        int exact = 0;
        Set<String> distinct = new java.util.HashSet<>();
        for (int i = 0; i < heldOut.size(); i++) {
            Example e = heldOut.get(i);
            String text = model.vocabulary().decode(out.get(i));
            distinct.add(text);
            exact += text.equals(e.output()) ? 1 : 0;
            Decoded d = JointEr.decode(e.tokens(), text, Set.copyOf(ToyNer.TYPES), Set.of());
            entities = entities.plus(Prf.of(d.entities(), e.entities()));
        }
        System.out.printf("toy NER: loss %.3f -> %.4f, entity F1 %.3f (P %.3f R %.3f), exact %d/200%n", losses[0],
                losses[losses.length - 1], entities.f1(), entities.precision(), entities.recall(), exact);
        assertTrue(losses[losses.length - 1] < losses[0] / 20, "loss " + losses[0] + " -> " + losses[losses.length - 1]);
        assertTrue(entities.f1() >= 0.9, "entity F1 " + entities.f1());
        assertTrue(distinct.size() > 150, "outputs are not one string repeated: " + distinct.size() + " distinct");
    }

    @Test
    void oneBeamIsGreedyAndFourBeamsReadAsWell() {
        Prf beam = Prf.ZERO;
        for (Example e : heldOut.subList(0, 20)) {
            int[] src = model.vocabulary().encode(e.input());
            int[] greedy = model.greedy(List.of(src)).get(0);
            assertEquals(model.vocabulary().decode(greedy), model.vocabulary().decode(model.beam(src, 1, 1.0)));
            String beam4 = model.vocabulary().decode(model.beam(src, 4, 1.0));
            beam = beam.plus(Prf.of(JointEr.decode(e.tokens(), beam4, Set.copyOf(ToyNer.TYPES), Set.of()).entities(),
                    e.entities()));
        }
        assertTrue(beam.f1() >= 0.9, "entity F1 of beam-4 outputs " + beam.f1());
    }
}
