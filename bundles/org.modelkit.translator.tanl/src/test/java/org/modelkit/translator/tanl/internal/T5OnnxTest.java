package org.modelkit.translator.tanl.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.Json;

/**
 * A user's T5 export on ONNX Runtime: the fixture of scripts/make-t5-fixture.py (a tiny encoder-decoder with the
 * export's signature, random weights, made by Debian's torch 1.13). For 50 sentences the SentencePiece ids equal
 * Python's sentencepiece, and Java's greedy and beam-4 ids equal the torch script's own search on the same network.
 */
class T5OnnxTest {
    static Path dir;
    static TanlModel model;
    static List<Map<String, Object>> expected;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        dir = Conll04ModelTest.top().resolve("testdata/onnx/t5-tiny");
        model = TanlModel.load(dir, LocalBackends.pytorchCpu("test"));
        expected = Json.read(dir.resolve("expected.json"), List.class);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
    }

    @Test
    void idsEqualTheTorchScripts() {
        Generator g = model.net();
        List<int[]> sources = new ArrayList<>();
        int beamSame = 0;
        for (Map<String, Object> row : expected) {
            int[] src = g.vocabulary().encode((String) row.get("sentence"));
            assertArrayEquals(ints(row.get("source")), src, "SentencePiece ids of " + row.get("sentence"));
            sources.add(src);
            assertArrayEquals(ints(row.get("beam4")), g.beam(src, 4, 1.0, g.maxTarget()), "beam-4 of " + row.get("sentence"));
            beamSame++;
        }
        List<int[]> greedy = g.greedy(sources, g.maxTarget());
        int ended = 0;
        for (int i = 0; i < expected.size(); i++) {
            int[] want = ints(expected.get(i).get("greedy"));
            assertArrayEquals(want, greedy.get(i), "greedy of " + expected.get(i).get("sentence"));
            ended += want[want.length - 1] == TextTokenizer.EOS ? 1 : 0;
        }
        assertEquals(50, beamSame);
        assertTrue(ended > 10 && ended < 50, "the fixture has outputs that end and outputs cut at the maximum: " + ended);
    }

    @Test
    void withATokenizerJson(@TempDir Path tmp) throws IOException {
        for (String f : List.of(T5Onnx.ENCODER, T5Onnx.DECODER)) {
            Files.copy(dir.resolve(f), tmp.resolve(f));
        }
        Files.copy(Conll04ModelTest.top().resolve("testdata/tanl/tokenizer.json"), tmp.resolve(HfTokenizer.FILE));
        Files.writeString(tmp.resolve("model.json"), Files.readString(dir.resolve("model.json"))
                .replace("\"tokenizer\": \"spm\"", "\"tokenizer\": \"hf\""));
        try (TanlModel hf = TanlModel.load(tmp, LocalBackends.pytorchCpu("t"))) {
            assertEquals("hf", hf.net().vocabulary().kind());
            List<int[]> sources = new ArrayList<>();
            for (Map<String, Object> row : expected) {
                sources.add(hf.net().vocabulary().encode((String) row.get("sentence")));
            }
            List<int[]> greedy = hf.net().greedy(sources, hf.net().maxTarget());
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(ints(expected.get(i).get("source")), sources.get(i));
                assertArrayEquals(ints(expected.get(i).get("greedy")), greedy.get(i));
            }
        }
    }

    @Test
    void unexpectedInputNamesAreRefused(@TempDir Path tmp) throws IOException {
        for (String f : List.of("model.json", "spiece.model", T5Onnx.ENCODER)) {
            Files.copy(dir.resolve(f), tmp.resolve(f));
        }
        // the encoder where the decoder should be: its inputs are not the decoder's
        Files.copy(dir.resolve(T5Onnx.ENCODER), tmp.resolve(T5Onnx.DECODER));
        String m = assertThrows(IllegalArgumentException.class, () -> TanlModel.load(tmp, LocalBackends.pytorchCpu("t")))
                .getMessage();
        assertEquals("ONNX model '" + tmp.resolve(T5Onnx.DECODER) + "' has inputs [attention_mask, input_ids]; expected"
                + " Hugging Face's [encoder_attention_mask, encoder_hidden_states, input_ids]", m);
        Files.delete(tmp.resolve(T5Onnx.DECODER));
        m = assertThrows(IllegalArgumentException.class, () -> TanlModel.load(tmp, LocalBackends.pytorchCpu("t")))
                .getMessage();
        assertEquals("model directory '" + tmp + "' has no " + T5Onnx.DECODER, m);
    }
}
