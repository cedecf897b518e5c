package org.modelkit.translator.tanl.format;

import java.util.List;
import java.util.Set;

/**
 * Joint intent classification and slot labelling (SNIPS, ATIS): {@code (( intent )) } followed by the NER-style
 * sentence, {@code (( play music )) play [ jazz | genre ] music}.
 */
public final class IntentSlots {
    /** Opens the intent. */
    public static final String BEGIN_INTENT = "((";
    /** Closes it. */
    public static final String END_INTENT = "))";

    private IntentSlots() {
    }

    /**
     * @param tokens the sentence's words
     * @param intent the intent's natural name
     * @param slots  the slots, typed by slot name
     * @return the output
     */
    public static String encode(List<String> tokens, String intent, List<Span> slots) {
        return BEGIN_INTENT + " " + intent + " " + END_INTENT + " " + JointEr.encode(tokens, slots, List.of());
    }

    /**
     * @param tokens    the sentence's words
     * @param output    the output
     * @param slotTypes the known slot names
     * @return the slots as entities and the intent as the label (empty if the output has no {@code (( ))}); a missing
     *         intent is a format error
     */
    public static Decoded decode(List<String> tokens, String output, Set<String> slotTypes) {
        String intent = "";
        String rest = output;
        int b = output.indexOf(BEGIN_INTENT);
        int e = b < 0 ? -1 : output.indexOf(END_INTENT, b + BEGIN_INTENT.length());
        if (b >= 0 && e >= 0) {
            intent = output.substring(b + BEGIN_INTENT.length(), e).strip();
            rest = output.substring(e + END_INTENT.length());
        }
        Decoded d = JointEr.decode(tokens, rest, slotTypes, Set.of());
        return new Decoded(d.entities(), d.relations(), intent, d.wrongReconstruction(), d.labelError(), d.entityError(),
                d.formatError() || b < 0 || e < 0);
    }
}
