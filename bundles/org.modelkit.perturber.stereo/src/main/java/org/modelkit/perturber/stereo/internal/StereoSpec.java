package org.modelkit.perturber.stereo.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * What a stereo model directory holds ({@code model.json}): the architecture and its sizes, enough to rebuild
 * the network before its weights are read.
 *
 * @param method        always "stereopagnosia": a model directory of another method is refused by name
 * @param architecture  "A": shared features, L2-normalised, correlation cost volume, 2-D aggregation with a
 *                      residual, soft-argmin; "B": features concatenated into a 4-D cost volume, 3-D convolutions,
 *                      soft-argmin (the PSMNet family)
 * @param inputChannels 1 (grey) or 3 (RGB)
 * @param channels      feature channels
 * @param hidden        channels of the aggregation's hidden layer
 * @param maxDisparity  disparities 0 .. maxDisparity − 1 are considered, at least 2
 */
record StereoSpec(String method, String architecture, int inputChannels, int channels, int hidden, int maxDisparity) {
    /** Net B's correlation groups (GwcNet's group-wise correlation); B's channels must be a multiple. */
    static final int GROUPS = 4;
    /** The method name a model directory carries. */
    static final String METHOD = "stereopagnosia";

    /** @throws IllegalArgumentException naming the field that is missing or out of range */
    StereoSpec {
        if (!METHOD.equals(method)) {
            throw new IllegalArgumentException("the model is for method '" + method + "', not " + METHOD);
        }
        if (!"A".equals(architecture) && !"B".equals(architecture)) {
            throw new IllegalArgumentException("architecture '" + architecture + "' is not one of A, B");
        }
        if (inputChannels != 1 && inputChannels != 3) {
            throw new IllegalArgumentException("inputChannels = " + inputChannels + " must be 1 or 3");
        }
        if (channels < 1 || channels > 256 || hidden < 1 || hidden > 256) {
            throw new IllegalArgumentException("channels = " + channels + " and hidden = " + hidden + " must lie in [1, 256]");
        }
        if ("B".equals(architecture) && channels % GROUPS != 0) {
            throw new IllegalArgumentException("net B's channels = " + channels + " must be a multiple of " + GROUPS);
        }
        if (maxDisparity < 2 || maxDisparity > 512) {
            throw new IllegalArgumentException("maxDisparity = " + maxDisparity + " must lie in [2, 512]");
        }
    }

    /**
     * @param architecture  "A" or "B"
     * @param inputChannels 1 or 3
     * @param maxDisparity  the disparity range
     * @return the default sizes: A with 12 feature and 16 hidden channels, B with 12 and 16
     */
    static StereoSpec of(String architecture, int inputChannels, int maxDisparity) {
        boolean a = "A".equals(architecture);
        return new StereoSpec(METHOD, architecture, inputChannels, 12, 16, maxDisparity);
    }

    /** One weight tensor: a convolution's kernel as a {@code [out, in·k]} matrix, or its bias. */
    record Param(String name, int[] shape) {
        int size() {
            int n = 1;
            for (int s : shape) {
                n *= s;
            }
            return n;
        }

        /** @return the fan-in of a kernel (its columns) */
        int fanIn() {
            return shape.length == 2 ? shape[1] : -1;
        }
    }

    /** @return the weights in the order the network uses them */
    List<Param> params() {
        List<Param> p = new ArrayList<>();
        int c = channels;
        if ("A".equals(architecture)) {
            conv(p, "feature1", inputChannels, c, 9);
            conv(p, "feature2", c, c, 9);
            conv(p, "feature3", c, c, 9);
            conv(p, "aggregate1", maxDisparity, hidden, 9); // the cost volume's disparities are its channels
            conv(p, "aggregate2", hidden, maxDisparity, 9);
        } else {
            conv(p, "feature1", inputChannels, c, 9);
            conv(p, "feature2", c, c, 9);
            conv(p, "aggregate1", 2 * c + GROUPS, hidden, 27); // kernel [out, in, 3, 3, 3] flattened
            conv(p, "aggregate2", hidden, 1, 27);
        }
        return p;
    }

    private static void conv(List<Param> p, String name, int in, int out, int k) {
        p.add(new Param(name + ".weight", new int[] {out, in * k}));
        p.add(new Param(name + ".bias", new int[] {out}));
    }

    @Override
    public String toString() {
        return "stereo net " + architecture + " (" + inputChannels + " → " + channels + " channels, " + maxDisparity
                + " disparities)";
    }
}
