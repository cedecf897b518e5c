package org.modelkit.api.finetune;

import java.util.Locale;

/** How the fine-tuning problem is solved. */
public enum Solver {
    /** Kronecker-factored preconditioned steps (K-FAC factors computed once at the pre-trained weights). */
    KFAC,
    /** Plain gradient descent, for comparison. */
    GD;

    /**
     * @param text "kfac" or "gd", any case
     * @return the solver
     * @throws IllegalArgumentException naming the text and the choices
     */
    public static Solver parse(String text) {
        for (Solver s : values()) {
            if (s.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("solver '" + text + "' is not one of kfac, gd");
    }

    /** @return the lower-case name */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
