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

    /**
     * @param target a training target
     * @param source its source
     * @return the target's ids (a tokenizer with positional unknowns numbers them as in the source)
     */
    default int[] encodeTarget(String target, String source) {
        return encode(target);
    }

    /**
     * @param ids    a generated output
     * @param source the source it was generated from
     * @return its text (a tokenizer with positional unknowns puts the source's words back)
     */
    default String decode(int[] ids, String source) {
        return decode(ids);
    }

    /** Writes the tokenizer's file into a model directory. */
    void save(Path dir) throws IOException;
}
