package org.modelkit.translator.tanl.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Semantic role labelling: the predicate is bracketed in the input ({@code The cat [ ate ] the fish}); the output
 * marks the arguments only, as NER does ({@code [ The cat | first argument ] ate [ the fish | second argument ]}).
 */
public final class Srl {
    private Srl() {
    }

    /**
     * @param tokens    the sentence's words
     * @param predicate the predicate's span
     * @return the input with the predicate bracketed
     */
    public static String input(List<String> tokens, Span predicate) {
        List<String> w = new ArrayList<>(tokens);
        w.add(predicate.end(), AugmentedLanguage.END);
        w.add(predicate.start(), AugmentedLanguage.BEGIN);
        return String.join(" ", w);
    }

    /**
     * @param tokens    the sentence's words
     * @param arguments the arguments, typed by role name
     * @return the output
     */
    public static String output(List<String> tokens, List<Span> arguments) {
        return JointEr.encode(tokens, arguments, List.of());
    }
}
