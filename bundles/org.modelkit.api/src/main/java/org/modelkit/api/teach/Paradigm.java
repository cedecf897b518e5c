package org.modelkit.api.teach;

import java.util.Locale;

/** What the student learns from the teacher. */
public enum Paradigm {
    /**
     * Semi-supervised FixMatch: cross-entropy on the labelled samples, plus cross-entropy of the
     * student's prediction on a strongly augmented unlabelled sample against the teacher's confident
     * pseudo-label of a weakly augmented view of it.
     */
    FIXMATCH,
    /**
     * Self-supervised MoCo v2: the student's embedding of one view must pick out the teacher's
     * embedding of another view of the same sample among a queue of earlier keys. Labels are used only
     * to evaluate the features (k-nearest neighbours).
     */
    MOCO;

    /**
     * @param text "fixmatch" or "moco", in any case
     * @return the paradigm
     * @throws IllegalArgumentException naming the text and the choices
     */
    public static Paradigm parse(String text) {
        for (Paradigm p : values()) {
            if (p.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("paradigm '" + text + "' is not one of fixmatch, moco");
    }

    /** @return the lower-case name, for example "fixmatch" */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
