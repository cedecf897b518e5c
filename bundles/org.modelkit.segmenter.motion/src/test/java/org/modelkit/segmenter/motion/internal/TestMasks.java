package org.modelkit.segmenter.motion.internal;

import org.modelkit.api.data.Mask;

/** The tests' masks are flag arrays; their Jaccard index is {@link Mask#jaccard}'s. */
final class TestMasks {
    private TestMasks() {
    }

    /** @return |a ∩ b| / |a ∪ b| of two masks of one size; 1 for two empty ones */
    static double jaccard(boolean[] a, boolean[] b) {
        return new Mask(a.length, 1, a).jaccard(new Mask(b.length, 1, b));
    }
}
