package org.modelkit.translator.tanl.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.Json;
import org.modelkit.translator.tanl.format.Decoded;
import org.modelkit.translator.tanl.format.JointEr;
import org.modelkit.translator.tanl.format.Prf;
import org.modelkit.translator.tanl.format.Schema;

/**
 * The TANL side of benchmarks/tanl/run. {@code write DIR}: the toy NER data (4,000 training, 200 held-out sentences),
 * the word vocabulary's ids and the training order for the PyTorch peer. {@code java DIR}: trains the notes' net for
 * 400 steps (ms per step, each timed), decodes the held-out sentences greedily (batched and one at a time), and times
 * the format code's encode and decode of 100,000 CoNLL04-like sentences. {@code score DIR FILE}: entity F1 of the
 * peer's outputs, read by the same decoder.
 */
public final class TanlPeer {
    private TanlPeer() {
    }

    /** @param args write DIR | java DIR | score DIR FILE */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "write" -> write(dir);
            case "java" -> java(dir);
            case "score" -> System.out.println(Json.toLine(score(dir, Files.readAllLines(Path.of(args[2])))));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static List<Example> train() {
        return ToyNer.generate(4000, 1);
    }

    static List<Example> test() {
        return ToyNer.generate(200, 2);
    }

    static WordVocabulary vocabulary(List<Example> train) {
        List<List<String>> texts = new ArrayList<>();
        for (Example e : train) {
            texts.add(e.tokens());
            texts.add(List.of(e.output().split(" ")));
        }
        return WordVocabulary.build(texts);
    }

    private static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Example> train = train();
        WordVocabulary v = vocabulary(train);
        v.save(dir);
        StringBuilder b = new StringBuilder();
        for (Example e : train) {
            b.append(Json.toLine(Map.of("src", v.encode(e.input()), "tgt", v.encode(e.output())))).append('\n');
        }
        Files.writeString(dir.resolve("train-ids.jsonl"), b);
        b = new StringBuilder();
        for (Example e : test()) {
            b.append(Json.toLine(Map.of("src", v.encode(e.input()), "input", e.input()))).append('\n');
        }
        Files.writeString(dir.resolve("test-ids.jsonl"), b);
    }

    static Map<String, Object> score(Path dir, List<String> outputs) {
        List<Example> test = test();
        Prf p = Prf.ZERO;
        int exact = 0;
        for (int i = 0; i < test.size(); i++) {
            Decoded d = JointEr.decode(test.get(i).tokens(), outputs.get(i), Set.copyOf(ToyNer.TYPES), Set.of());
            p = p.plus(Prf.of(d.entities(), test.get(i).entities()));
            exact += outputs.get(i).equals(test.get(i).output()) ? 1 : 0;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("f1", p.f1());
        m.put("exact", exact);
        return m;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void java(Path dir) throws IOException {
        TensorBackend backend = LocalBackends.pytorchCpu("bench");
        List<Example> train = train();
        WordVocabulary v = vocabulary(train);
        List<Seq2SeqModel.Pair2> pairs = new ArrayList<>();
        for (Example e : train) {
            pairs.add(new Seq2SeqModel.Pair2(v.encode(e.input()), v.encode(e.output())));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        try (Seq2SeqModel m = Seq2SeqModel.create(backend, Seq2SeqSpec.toy(v.size(), 16, 40), v, 7)) {
            int steps = 400;
            double[] ms = new double[steps];
            long[] last = {System.nanoTime()};
            int[] k = {0};
            m.train(pairs, new Seq2SeqModel.TrainOptions(steps, 64, 1e-3, 3), new Progress() {
                @Override
                public void report(String unit, long done, long total) {
                    long now = System.nanoTime();
                    ms[k[0]++] = (now - last[0]) / 1e6;
                    last[0] = now;
                }

                @Override
                public boolean isCancelled() {
                    return false;
                }
            });
            out.put("step_ms_median", median(Arrays.copyOfRange(ms, 20, steps)));
            List<int[]> src = new ArrayList<>();
            for (Example e : test()) {
                src.add(v.encode(e.input()));
            }
            long t0 = System.nanoTime();
            List<int[]> ids = m.greedy(src);
            out.put("greedy_batched_ms_per_sentence", (System.nanoTime() - t0) / 1e6 / src.size());
            double[] one = new double[50];
            for (int i = 0; i < one.length; i++) {
                long t1 = System.nanoTime();
                m.greedy(List.of(src.get(i)));
                one[i] = (System.nanoTime() - t1) / 1e6;
            }
            out.put("greedy_one_ms_median", median(one));
            List<String> texts = new ArrayList<>();
            for (int[] x : ids) {
                texts.add(v.decode(x));
            }
            out.putAll(score(dir, texts));
        }
        // the T5 fixture on ONNX Runtime: ms per greedy sentence (24 tokens at most), one at a time
        try (TanlModel t5 = TanlModel.load(Path.of("testdata/onnx/t5-tiny"), backend)) {
            List<int[]> src = new ArrayList<>();
            for (Example e : test().subList(0, 50)) {
                src.add(t5.net().vocabulary().encode(e.input()));
            }
            t5.net().greedy(src.subList(0, 5), 24);
            double[] one = new double[src.size()];
            for (int i = 0; i < one.length; i++) {
                long t1 = System.nanoTime();
                t5.net().greedy(List.of(src.get(i)), 24);
                one[i] = (System.nanoTime() - t1) / 1e6;
            }
            out.put("t5_onnx_greedy_one_ms_median", median(one));
        }
        // the format code alone: encode and decode 100,000 CoNLL04-like sentences
        List<Example> many = Conll04Like.load().generate(100_000, Conll04Like.Split.TRAIN, 9);
        long t0 = System.nanoTime();
        List<String> encoded = new ArrayList<>(many.size());
        for (Example e : many) {
            encoded.add(e.output());
        }
        double enc = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        long n = 0;
        for (int i = 0; i < many.size(); i++) {
            n += JointEr.decode(many.get(i).tokens(), encoded.get(i), Schema.CONLL04.entityNames(),
                    Schema.CONLL04.relationNames()).entities().size();
        }
        double dec = (System.nanoTime() - t0) / 1e9;
        out.put("encode_per_s", many.size() / enc);
        out.put("decode_per_s", many.size() / dec);
        out.put("decoded_entities", n);
        Files.writeString(dir.resolve("java.json"), Json.toLine(out));
        System.out.println(Json.toLine(out));
    }
}
