package org.modelkit.linearizer.lqf.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.util.Pair;
import java.util.function.Predicate;
import org.modelkit.compute.api.linearizer.LinearizedModel;
import org.modelkit.compute.api.linearizer.Linearizer;
import org.osgi.service.component.annotations.Component;

/**
 * The {@link Linearizer} service: tangent propagation over the supported layers (see {@link Net}).
 */
@Component(service = Linearizer.class, property = "modelkit.linearizer=tangent")
public class LqfLinearizer implements Linearizer {
    @Override
    public LinearizedModel linearize(Block network, Predicate<String> linearized, NDManager manager) {
        if (network == null || linearized == null || manager == null) {
            throw new IllegalArgumentException("network, linearized and manager must be given");
        }
        Net net = Net.compile(network, linearized, manager);
        return new TangentModel(net, outputs(network, manager));
    }

    /** The output width, from a one-sample probe through the block's own shapes. */
    private static int outputs(Block network, NDManager manager) {
        Shape in = inputShape(network);
        Shape[] out = network.getOutputShapes(new Shape[] {in});
        if (out.length != 1 || out[0].dimension() != 2) {
            throw new IllegalArgumentException("the network must output [batch, k]; it outputs " + java.util.Arrays.toString(out));
        }
        return (int) out[0].get(1);
    }

    private static Shape inputShape(Block network) {
        for (Pair<String, Shape> p : network.describeInput()) {
            return p.getValue();
        }
        throw new IllegalArgumentException("the network has no known input shape; initialise it first");
    }
}
