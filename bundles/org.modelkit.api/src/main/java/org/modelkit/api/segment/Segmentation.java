package org.modelkit.api.segment;

import java.util.List;
import java.util.Map;
import org.modelkit.api.data.Mask;

/**
 * @param masks       one mask per input frame, in the same order and of the same size
 * @param diagnostics named figures about the computation, never null
 */
public record Segmentation(List<Mask> masks, Map<String, Double> diagnostics) {
    /** @throws IllegalArgumentException if a field is null or the masks differ in size */
    public Segmentation {
        if (masks == null || diagnostics == null) {
            throw new IllegalArgumentException("masks and diagnostics must not be null");
        }
        masks = List.copyOf(masks);
        for (int i = 1; i < masks.size(); i++) {
            if (masks.get(i).width() != masks.get(0).width() || masks.get(i).height() != masks.get(0).height()) {
                throw new IllegalArgumentException("masks[" + i + "] is " + masks.get(i) + " but masks[0] is "
                        + masks.get(0));
            }
        }
        diagnostics = Map.copyOf(diagnostics);
    }
}
