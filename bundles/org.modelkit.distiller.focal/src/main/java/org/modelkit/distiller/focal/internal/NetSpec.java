package org.modelkit.distiller.focal.internal;

import java.util.Arrays;
import org.modelkit.nn.ModelSpec;

/** The new network named on the command line: {@code mlp:W1,W2}, {@code small-cnn}, {@code small-resnet:W,B}, [{@code /leaky_relu}]. */
final class NetSpec {
    private NetSpec() {
    }

    /**
     * @param text     the name, or null/empty for the fallback's architecture
     * @param classes  the new network's outputs
     * @param sample   the shape of one sample
     * @param fallback the first reference's architecture
     * @return the new network's spec
     * @throws IllegalArgumentException naming the text if it is not of that form
     */
    static ModelSpec parse(String text, int classes, int[] sample, ModelSpec fallback) {
        if (text == null || text.isBlank()) {
            return new ModelSpec(fallback.architecture(), classes, fallback.nonlinearity(), fallback.batchNorm(),
                    fallback.hidden(), fallback.input());
        }
        String s = text.trim();
        String act = "relu";
        int slash = s.indexOf('/');
        if (slash >= 0) {
            act = s.substring(slash + 1);
            s = s.substring(0, slash);
        }
        String arch = s.contains(":") ? s.substring(0, s.indexOf(':')) : s;
        int[] hidden;
        try {
            hidden = s.contains(":") ? Arrays.stream(s.substring(s.indexOf(':') + 1).split(",")).map(String::trim)
                    .mapToInt(Integer::parseInt).toArray() : new int[0];
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("network '" + text + "': the widths must be whole numbers, as in mlp:64,64");
        }
        int[] input = arch.equals("mlp") || sample.length != 2 ? sample : new int[] {1, sample[0], sample[1]};
        try {
            return new ModelSpec(arch, classes, act, false, hidden, input);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("network '" + text + "': " + e.getMessage()
                    + " (forms: mlp:W1,W2, small-cnn, small-resnet:WIDTH,BLOCKS, optionally /leaky_relu)");
        }
    }
}
