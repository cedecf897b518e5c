package org.modelkit.translator.tanl.internal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Text to token ids and back, with T5's special ids: padding (also the decoder's start) 0, end 1, unknown 2.
 * Implementations refuse to be built when {@code [ ] | =} do not survive encoding and decoding.
 */
interface TextTokenizer {
    int PAD = 0;
    int EOS = 1;
    int UNK = 2;

    /** @return "word" or "spm" (model.json's {@code tokenizer}) */
    String kind();

    /** @return the number of ids */
    int size();

    /** @return the text's ids followed by the end id */
    int[] encode(String text);

    /** @return the text of ids up to the first end id, special ids skipped */
    String decode(int[] ids);

    /** Writes the tokenizer's file into a model directory. */
    void save(Path dir) throws IOException;
}
