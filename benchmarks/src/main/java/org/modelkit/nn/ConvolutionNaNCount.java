package org.modelkit.nn;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.Locale;

/**
 * Counts convolution passes whose gradients come back with NaN or infinity under the oneDNN instruction set the
 * process was started with (ONEDNN_MAX_CPU_ISA; oneDNN reads it once): the check behind the project's SSE41 setting
 * (root README, Known issues), for anyone who wants to know whether a wider set is safe on their CPU.
 * The shapes are those of {@code ConvolutionGradientTest} (each weight used twice, as a stereo network's shared
 * feature layers are) and the small CNN's first layer. Usage: java ... ConvolutionNaNCount REPS
 * (benchmarks/compute/run isa runs it under each set).
 */
public final class ConvolutionNaNCount {
    private ConvolutionNaNCount() {
    }

    public static void main(String[] args) {
        int reps = Integer.parseInt(args[0]);
        // {in channels, out channels, padding} on a batch of 8 images of 24x48
        int[][] cases = {{8, 8, 0}, {3, 12, 1}, {12, 12, 1}, {1, 16, 0}};
        String isa = System.getenv().getOrDefault("ONEDNN_MAX_CPU_ISA", "(not set)");
        int total = 0;
        long t0 = System.nanoTime();
        StringBuilder line = new StringBuilder();
        for (int[] c : cases) {
            int bad = 0;
            try (Model model = Model.newInstance("conv"); NDManager base = model.getNDManager().newSubManager()) {
                for (int rep = 0; rep < reps; rep++) {
                    try (NDManager m = base.newSubManager()) {
                        bad += pass(m, c) ? 0 : 1;
                    }
                }
            }
            total += bad;
            line.append(String.format(Locale.ROOT, " | %d", bad));
            System.err.printf(Locale.ROOT, "ISA %s, case %s: %d of %d passes with NaN or infinite gradients%n", isa,
                    Arrays.toString(c), bad, reps);
        }
        System.out.printf(Locale.ROOT, "| %s%s | %d of %d | %.0f s |%n", isa, line, total, reps * cases.length,
                (System.nanoTime() - t0) / 1e9);
    }

    /** @return whether every gradient of one forward-backward pass is finite */
    private static boolean pass(NDManager m, int[] c) {
        Conv2d conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(c[2], c[2])).setFilters(c[1]).build();
        conv.initialize(m, DataType.FLOAT32, new Shape(8, c[0], 24, 48));
        NDArray x = m.randomNormal(new Shape(8, c[0], 24, 48));
        NDArray x2 = m.randomNormal(new Shape(8, c[0], 24, 48));
        x.setRequiresGradient(true);
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
            ParameterStore ps = new ParameterStore(m, false);
            gc.backward(conv.forward(ps, new NDList(x), true).singletonOrThrow().sum()
                    .add(conv.forward(ps, new NDList(x2), true).singletonOrThrow().square().sum()));
        }
        boolean finite = finite(x.getGradient());
        for (var p : conv.getParameters()) {
            finite &= finite(p.getValue().getArray().getGradient());
        }
        return finite;
    }

    private static boolean finite(NDArray g) {
        return !g.isNaN().any().getBoolean() && !g.isInfinite().any().getBoolean();
    }
}
