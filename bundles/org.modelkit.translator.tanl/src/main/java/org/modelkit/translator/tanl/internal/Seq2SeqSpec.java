package org.modelkit.translator.tanl.internal;

/**
 * The transformer's size.
 *
 * @param vocabulary    tokens in the vocabulary, specials included
 * @param dModel        the width d of every layer
 * @param heads         attention heads, dividing d
 * @param encoderLayers encoder layers
 * @param decoderLayers decoder layers
 * @param ffn           the feed-forward layers' hidden width
 * @param maxSource     the longest source in tokens, end token included
 * @param maxTarget     the longest target in tokens, end token included
 */
record Seq2SeqSpec(int vocabulary, int dModel, int heads, int encoderLayers, int decoderLayers, int ffn, int maxSource,
        int maxTarget) {
    /** The architecture's name in model.json. */
    static final String ARCHITECTURE = "transformer-seq2seq";

    /** @throws IllegalArgumentException naming the first size out of range */
    Seq2SeqSpec {
        if (vocabulary < 8 || vocabulary > 1_000_000) {
            throw new IllegalArgumentException("vocabulary = " + vocabulary + " must lie in [8, 1000000]");
        }
        if (dModel < 4 || dModel > 4096 || heads < 1 || dModel % heads != 0) {
            throw new IllegalArgumentException("d = " + dModel + " and heads = " + heads + " must satisfy 4 <= d <= 4096,"
                    + " heads dividing d");
        }
        if (encoderLayers < 1 || decoderLayers < 1 || encoderLayers > 48 || decoderLayers > 48) {
            throw new IllegalArgumentException("layers " + encoderLayers + " + " + decoderLayers + " must lie in [1, 48] each");
        }
        if (ffn < 1 || ffn > 65536) {
            throw new IllegalArgumentException("ffn = " + ffn + " must lie in [1, 65536]");
        }
        if (maxSource < 2 || maxTarget < 2 || maxSource > 4096 || maxTarget > 4096) {
            throw new IllegalArgumentException("maximum lengths " + maxSource + " and " + maxTarget + " must lie in [2, 4096]");
        }
    }

    /** The notes' toy net: d = 64, 2 + 2 layers, 4 heads, feed-forward 256. */
    static Seq2SeqSpec toy(int vocabulary, int maxSource, int maxTarget) {
        return new Seq2SeqSpec(vocabulary, 64, 4, 2, 2, 256, maxSource, maxTarget);
    }

    /** @return positions the embedding covers: the longer side plus the decoder's start token */
    int maxPositions() {
        return Math.max(maxSource, maxTarget) + 1;
    }
}
