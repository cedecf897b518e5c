package org.modelkit.translator.tanl.format;

import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic word tokenizer of the input side: words are split at whitespace, and punctuation is split off
 * as words of one character each, so {@code [ ] | =} are always words of their own. A word is a run of letters and
 * digits; an apostrophe, hyphen, period or ampersand joins two such runs when it stands between them ({@code don't},
 * {@code New-York}, {@code U.S}, {@code AT&T}). Every token keeps its character offsets, so a span of tokens maps
 * back to a substring of the input.
 */
public final class WordTokenizer {
    private WordTokenizer() {
    }

    /**
     * @param sentence any text
     * @return its words in order, with their offsets
     */
    public static List<Token> tokenize(String sentence) {
        List<Token> out = new ArrayList<>();
        int n = sentence.length();
        int i = 0;
        while (i < n) {
            int c = sentence.codePointAt(i);
            int width = Character.charCount(c);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                i += width;
            } else if (Character.isLetterOrDigit(c)) {
                int j = i;
                while (j < n) {
                    int d = sentence.codePointAt(j);
                    if (Character.isLetterOrDigit(d) || Character.getType(d) == Character.NON_SPACING_MARK) {
                        j += Character.charCount(d);
                    } else if (joiner(d) && j + 1 < n && Character.isLetterOrDigit(sentence.codePointAt(j + 1))) {
                        j += 1;
                    } else {
                        break;
                    }
                }
                out.add(new Token(sentence.substring(i, j), i, j));
                i = j;
            } else {
                out.add(new Token(sentence.substring(i, i + width), i, i + width));
                i += width;
            }
        }
        return out;
    }

    private static boolean joiner(int c) {
        return c == '\'' || c == '-' || c == '.' || c == '&' || c == '\u2019';
    }

    /**
     * @param tokens words
     * @return their texts
     */
    public static List<String> words(List<Token> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (Token t : tokens) {
            out.add(t.text());
        }
        return out;
    }
}
