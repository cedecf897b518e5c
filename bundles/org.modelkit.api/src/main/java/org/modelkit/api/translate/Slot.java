package org.modelkit.api.translate;

/**
 * A slot of a dialogue's belief state, in natural words ("hotel", "price range", "cheap").
 *
 * @param domain the domain
 * @param slot   the slot's name within it
 * @param value  its value
 */
public record Slot(String domain, String slot, String value) {
    /** @throws IllegalArgumentException if a field is null or blank */
    public Slot {
        if (domain == null || slot == null || value == null || domain.isBlank() || slot.isBlank() || value.isBlank()) {
            throw new IllegalArgumentException("slot (" + domain + ", " + slot + ", " + value + ") needs a domain, a name"
                    + " and a value");
        }
    }
}
