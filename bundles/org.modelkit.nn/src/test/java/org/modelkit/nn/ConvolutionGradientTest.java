package org.modelkit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/**
 * Guards the build's oneDNN setting (it makes this shape's fault disappear; it does not cure every shape). libtorch 2.7.1 (DJL 0.36) runs float32 convolutions with batch &gt; 1 through
 * oneDNN, whose AVX-512 backward-data kernels returned NaN input gradients in 11 of 20 calls of this 3×3, 8-channel
 * convolution on this machine's AMD EPYC (and in 1 of 20 with padding), which made trainings diverge or
 * collapse at random. With ONEDNN_MAX_CPU_ISA=AVX2 (set for Surefire, the in-framework tests, the launcher and
 * the benchmarks) none did in 20. The test fails where the setting is missing on an affected CPU.
 */
class ConvolutionGradientTest {
    @Test
    void convolutionInputGradientsAreFinite() {
        int bad = 0;
        // {in, out, padding}: the shape whose backward failed 11 of 20 times with every kernel. Shapes such as
        // {3, 12, 1} and {12, 12, 1} (a stereo network's features) still failed about once in 60 with AVX2 (CI, 2026-12-03):
        // the setting lowers the rate, it does not end it (README, Known issues), so they are not asserted here
        int[][] cases = {{8, 8, 0}};
        StringBuilder where = new StringBuilder();
        for (int[] c : cases) {
            for (int rep = 0; rep < 20; rep++) {
                try (Model model = Model.newInstance("conv"); NDManager m = model.getNDManager().newSubManager()) {
                    Conv2d conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(c[2], c[2])).setFilters(c[1])
                            .build();
                    conv.initialize(m, DataType.FLOAT32, new Shape(8, c[0], 24, 48));
                    NDArray x = m.randomNormal(new Shape(8, c[0], 24, 48));
                    NDArray x2 = m.randomNormal(new Shape(8, c[0], 24, 48));
                    x.setRequiresGradient(true);
                    try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                        // the weights used twice, as a stereo network's shared feature layers are
                        ParameterStore ps = new ParameterStore(m, false);
                        gc.backward(conv.forward(ps, new NDList(x), true).singletonOrThrow().sum()
                                .add(conv.forward(ps, new NDList(x2), true).singletonOrThrow().square().sum()));
                    }
                    boolean nan = x.getGradient().isNaN().any().getBoolean() || x.getGradient().isInfinite().any().getBoolean();
                    for (var p : conv.getParameters()) {
                        NDArray g = p.getValue().getArray().getGradient();
                        nan |= g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean();
                    }
                    if (nan) {
                        bad++;
                        where.append(java.util.Arrays.toString(c)).append(' ');
                    }
                }
            }
        }
        assertEquals(0, bad, bad + " of 20 convolution backward passes returned NaN gradients (" + where + "); ONEDNN_MAX_CPU_ISA is '"
                + System.getenv("ONEDNN_MAX_CPU_ISA") + "' (AVX2 avoids oneDNN's faulty AVX-512 kernels)");
    }
}
