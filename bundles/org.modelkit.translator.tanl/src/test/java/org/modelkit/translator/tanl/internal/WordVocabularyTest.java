package org.modelkit.translator.tanl.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The word tokenizer: frequency order, the minimum count, and positional placeholders for unknown words. */
class WordVocabularyTest {
    static final WordVocabulary V = WordVocabulary.build(List.of(List.of("the", "the", "the", "cat", "cat", "sat"),
            List.of("[", "cat", "|", "animal", "]", "sat")), 2);

    @Test
    void idsFollowFrequencyAndTheMinimumCount() {
        List<String> w = V.words();
        assertEquals(List.of("<pad>", "</s>", "<unk>", "<w0>"), w.subList(0, 4));
        int first = 3 + WordVocabulary.PLACEHOLDERS + 1; // "=", never seen, comes right after the placeholders
        assertEquals("=", w.get(first - 1));
        assertEquals(List.of("cat", "the", "sat"), w.subList(first, first + 3)); // 3 and 3 (ties alphabetical), then 2
        assertTrue(!w.contains("animal"), "seen once, below the minimum count of 2");
        assertTrue(w.contains("="), "the marks are always in");
    }

    @Test
    void unknownWordsComeBackFromTheSource() {
        String source = "Tolkien sat with Tolkien and Lewis";
        int[] ids = V.encode(source); // unknown: Tolkien, with, and, Lewis
        int w0 = 3;
        assertArrayEquals(new int[] {w0, V.encode("sat")[0], w0 + 1, w0, w0 + 2, w0 + 3, 1}, ids,
                "the same unknown word gets the same placeholder");
        int[] target = V.encodeTarget("[ Tolkien | cat ] sat with [ Lewis | cat ] person", source);
        assertEquals(w0, target[1]);
        assertEquals(w0 + 3, target[8]);
        assertEquals(2, target[12], "an unknown word of the target that the source lacks is unknown");
        assertEquals("[ Tolkien | cat ] sat with [ Lewis | cat ]", V.decode(target, source));
        // a placeholder the source does not fill, and the unknown id, are left out
        assertEquals("[ | ]", V.decode(new int[] {V.encode("[")[0], w0, V.encode("|")[0], 2, V.encode("]")[0]}, "sat"));
        assertArrayEquals(new int[] {1}, V.encode(""));
        assertThrows(IllegalArgumentException.class, () -> new WordVocabulary(List.of("<pad>", "</s>", "<unk>", "[", "]")));
    }
}
