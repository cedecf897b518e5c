package org.modelkit.translator.tanl.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hugging Face tokenizer: testdata/tanl/tokenizer.json is the SentencePiece fixture converted to Hugging Face's
 * format (scripts/make-t5-fixture.py), so the Rust tokenizers and SentencePiece must give the same ids, on the
 * CoNLL04-like inputs and on their augmented outputs.
 */
class HfTokenizerTest {
    @Test
    void sameIdsAsSentencePiece() throws IOException {
        Path top = Conll04ModelTest.top();
        int same = 0;
        int n = 0;
        try (HfTokenizer hf = HfTokenizer.load(top.resolve("testdata/tanl/tokenizer.json"));
                SpmTokenizer spm = SpmTokenizer.load(top.resolve("testdata/tanl/spiece.model"))) {
            assertEquals(spm.size(), hf.size());
            for (Example e : Conll04Like.load().generate(100, Conll04Like.Split.TEST, 8)) {
                for (String text : new String[] {e.input(), e.output()}) {
                    n++;
                    int[] a = hf.encode(text);
                    int[] b = spm.encode(text);
                    assertArrayEquals(b, a, text);
                    assertEquals(text, hf.decode(a));
                    same++;
                }
            }
        }
        assertEquals(n, same);
    }

    @Test
    void refusesOtherSpecialIds(@TempDir Path tmp) throws IOException {
        String json = Files.readString(Conll04ModelTest.top().resolve("testdata/tanl/tokenizer.json"));
        Path f = tmp.resolve("tokenizer.json");
        Files.writeString(f, json.replace("\"content\": \"</s>\"", "\"content\": \"<eos>\"").replace("[\"</s>\",", "[\"<eos>\","));
        String m = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(f)).getMessage();
        assertTrue(m.contains("gives </s> the id null; T5's <pad>, </s>, <unk> are 0, 1, 2"), m);
        Files.writeString(f, "{\"not\": \"a tokenizer\"}");
        m = assertThrows(IOException.class, () -> HfTokenizer.load(f)).getMessage();
        assertTrue(m.contains("has no 'model'"), m);
    }
}
