package org.modelkit.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Arrays;
import java.util.Locale;

/**
 * What network a model directory holds, so it can be rebuilt before its parameters are loaded.
 *
 * @param architecture "small-cnn", "mlp" or "small-resnet"
 * @param classes      outputs
 * @param nonlinearity "relu" or "leaky_relu"
 * @param batchNorm    whether the network normalises (small-cnn, mlp; small-resnet always does)
 * @param hidden       mlp: hidden widths; small-resnet: {width, blocks}; small-cnn: empty
 * @param input        the shape of one sample, for example {1, 28, 28}
 */
public record ModelSpec(String architecture, int classes, String nonlinearity, boolean batchNorm, int[] hidden,
        int[] input) {
    /** @throws IllegalArgumentException naming the field that is missing or unknown */
    public ModelSpec {
        if (architecture == null || !Arrays.asList("small-cnn", "mlp", "small-resnet").contains(architecture)) {
            throw new IllegalArgumentException("architecture '" + architecture + "' is not one of small-cnn, mlp, small-resnet");
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes = " + classes + " must be at least 1");
        }
        nonlinearity(nonlinearity);
        if (input == null || input.length == 0) {
            throw new IllegalArgumentException("input shape of model '" + architecture + "' is missing");
        }
        hidden = hidden == null ? new int[0] : hidden.clone();
        if (architecture.equals("small-resnet") && hidden.length != 2) {
            throw new IllegalArgumentException("small-resnet needs hidden = {width, blocks}, got " + Arrays.toString(hidden));
        }
        input = input.clone();
        // sizes a network cannot have (a negative input side reached DJL's Shape: fuzzing found it, ModelSpecFuzzTest)
        for (int d : input) {
            if (d < 1) {
                throw new IllegalArgumentException("input shape " + Arrays.toString(input) + " of model '" + architecture
                        + "' has a side below 1");
            }
        }
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden " + Arrays.toString(hidden) + " of model '" + architecture
                        + "' holds a size below 1");
            }
        }
    }

    private static Networks.Nonlinearity nonlinearity(String n) {
        if ("relu".equals(n)) {
            return Networks.Nonlinearity.RELU;
        }
        if ("leaky_relu".equals(n)) {
            return Networks.Nonlinearity.LEAKY_RELU;
        }
        throw new IllegalArgumentException("nonlinearity '" + n + "' is not one of relu, leaky_relu");
    }

    /** @return a fresh, uninitialised block of this architecture */
    public Block build() {
        Networks.Nonlinearity a = nonlinearity(nonlinearity);
        return switch (architecture) {
            case "small-cnn" -> Networks.smallCnn(classes, a, batchNorm);
            case "mlp" -> Networks.mlp(hidden, classes, a, batchNorm);
            default -> Networks.smallResNet(classes, hidden[0], hidden[1], a);
        };
    }

    /**
     * @param batch samples
     * @return the input shape of a batch, {@code [batch, input...]}
     */
    public Shape batchShape(long batch) {
        long[] s = new long[input.length + 1];
        s[0] = batch;
        for (int i = 0; i < input.length; i++) {
            s[i + 1] = input[i];
        }
        return new Shape(s);
    }

    /**
     * @param sampleShape the shape of one sample of a data set (grey images {@code [h, w]} get a channel axis)
     * @return whether the data fits this model's input
     */
    public boolean accepts(int[] sampleShape) {
        int[] s = sampleShape.length == 2 && input.length == 3 ? new int[] {1, sampleShape[0], sampleShape[1]} : sampleShape;
        return Arrays.equals(s, input);
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    @Override
    public int[] input() {
        return input.clone();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s(%s, %d classes, input %s)", architecture, nonlinearity, classes,
                Arrays.toString(input));
    }
}
