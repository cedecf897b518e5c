package org.modelkit.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network's layers as groups of learnable parameter names, for choosing which to linearize (LQF's
 * fine-tuning, the forgetter's user weights: "the last k layers").
 */
public final class Layers {
    private Layers() {
    }

    /**
     * @param net an initialised block
     * @return its learnable parameter names grouped by layer (the name up to its last '_'), in network order
     */
    public static List<List<String>> withParameters(Block net) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            if (p.getValue().requiresGradient()) {
                String name = p.getKey();
                groups.computeIfAbsent(name.substring(0, Math.max(0, name.lastIndexOf('_'))), k -> new ArrayList<>()).add(name);
            }
        }
        return new ArrayList<>(groups.values());
    }

    /**
     * @param layers from {@link #withParameters}
     * @param k      how many of the last layers; 0 for all
     * @return the parameter names of the last k layers, in network order
     * @throws IllegalArgumentException naming k if the network has fewer layers, or k is negative
     */
    public static List<String> last(List<List<String>> layers, int k) {
        if (k < 0 || k > layers.size()) {
            throw new IllegalArgumentException("linearizedLayers = " + k + " but the network has " + layers.size()
                    + " layers with parameters");
        }
        List<String> out = new ArrayList<>();
        for (List<String> l : layers.subList(k == 0 ? 0 : layers.size() - k, layers.size())) {
            out.addAll(l);
        }
        return out;
    }
}
