package org.modelkit.forecaster.trainingtime.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Arrays;
import java.util.Locale;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.api.linearizer.LinearizedBatch;
import org.modelkit.compute.api.linearizer.LinearizedModel;
import org.modelkit.compute.api.linearizer.Projection;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.linearizer.lqf.internal.LqfLinearizer;
import org.modelkit.nn.Networks;

/**
 * Modelkit's side of benchmarks/forecast/peer_jacobian.py: the per-sample Jacobian rows of the small CNN
 * (every parameter, P = 50,890) for a batch of 16 images, float64, 2 threads, through the Linearizer as
 * the predictor forms them ({@code LinearizedBatch.jacobian}). Prints JSON: milliseconds per batch, median
 * of 5 runs after 2 warm-ups.
 */
public final class JacobianTiming {
    private JacobianTiming() {
    }

    public static void main(String[] args) throws Exception {
        TensorBackend backend = LocalBackends.pytorchCpu("bench");
        try (NDManager m = backend.newManager()) {
            Block net = Networks.smallCnn(10, Networks.Nonlinearity.LEAKY_RELU, false);
            net.initialize(m, DataType.FLOAT64, new Shape(1, 1, 28, 28));
            LinearizedModel lin = new LqfLinearizer().linearize(net, n -> true, m);
            NDArray x = m.randomUniform(0, 1, new Shape(16, 1, 28, 28)).toType(DataType.FLOAT64, false);
            double[] runs = new double[7];
            long rows = 0;
            for (int r = 0; r < runs.length; r++) {
                try (NDManager t = m.newSubManager()) {
                    NDArray xt = x.duplicate();
                    xt.attach(t);
                    long t0 = System.nanoTime();
                    try (LinearizedBatch b = lin.at(xt)) {
                        NDArray j = b.jacobian(Projection.NONE);
                        rows = j.getShape().get(0);
                    }
                    runs[r] = (System.nanoTime() - t0) / 1e6;
                }
            }
            double[] timed = Arrays.copyOfRange(runs, 2, 7);
            Arrays.sort(timed);
            System.out.printf(Locale.ROOT, "{\"parameters\": %d, \"rows\": %d, \"jacobian_ms\": %.1f}%n", lin.parameterCount(), rows,
                    timed[2]);
        }
    }
}
