package org.modelkit.api.congruent;

import java.util.Locale;

/** The new model's training loss in positive-congruent training. */
public enum Loss {
    /** cross-entropy only, no treatment */
    CE,
    /** cross-entropy plus cross-entropy again on the samples the reference got right */
    NAIVE,
    /** knowledge distillation: focal distillation with β = 0 and the KL distance */
    KD,
    /** focal distillation with the temperature-scaled KL divergence */
    FD_KL,
    /** focal distillation with logit matching, ½·mean_c (z_new − z_old)² */
    FD_LM;

    /** @return the name the shell uses: ce, naive, kd, fd-kl, fd-lm */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param label ce, naive, kd, fd-kl or fd-lm (any case)
     * @return the loss
     * @throws IllegalArgumentException naming the label and the known ones
     */
    public static Loss of(String label) {
        for (Loss l : values()) {
            if (l.label().equalsIgnoreCase(label.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("loss '" + label + "' is not one of ce, naive, kd, fd-kl, fd-lm");
    }
}
