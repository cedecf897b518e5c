package org.modelkit.translator.tanl.internal;

import java.util.List;

/** A sequence-to-sequence model that writes outputs for sources: the DJL transformer, or a user's T5 on ONNX Runtime. */
interface Generator extends AutoCloseable {
    /** @return its tokenizer */
    TextTokenizer vocabulary();

    /** @return the longest source in tokens */
    int maxSource();

    /** @return the longest output in tokens */
    int maxTarget();

    /**
     * @param srcs sources (ids ending in the end id)
     * @param maxT the longest output
     * @return each source's greedy output ids
     */
    List<int[]> greedy(List<int[]> srcs, int maxT);

    /**
     * @param src           a source
     * @param beams         beams, 1 greedy
     * @param lengthPenalty the length penalty's exponent
     * @param maxT          the longest output
     * @return the best hypothesis's ids
     */
    int[] beam(int[] src, int beams, double lengthPenalty, int maxT);

    /** @return a line describing the model, for summaries */
    String describe();

    @Override
    void close();
}
