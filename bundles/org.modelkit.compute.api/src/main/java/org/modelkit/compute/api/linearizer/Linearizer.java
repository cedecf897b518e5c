package org.modelkit.compute.api.linearizer;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.function.Predicate;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Linearizes networks. Implementations propagate tangents forward layer by layer (DJL has no
 * forward-mode AD, and double backward leaks), and support at least Linear, Conv2d, ReLU and
 * Leaky-ReLU, batch norm in inference mode, pooling, flatten and residual additions; a block with
 * another layer is refused, naming it.
 */
@ProviderType
public interface Linearizer {
    /**
     * @param network    an initialised DJL block whose current parameters are w0; they are copied, so
     *                   later changes to the block do not affect the result
     * @param linearized selects the parameters (by their DJL names) that are linearized; the others
     *                   stay frozen at w0 (for example only the last blocks; earlier layers may then run
     *                   anywhere, an ONNX backbone included, and feed features in)
     * @param manager    where the model's arrays live; the model is closed with it or by
     *                   {@link LinearizedModel#close()}
     * @return the linearized model
     * @throws IllegalArgumentException if the block contains an unsupported layer, or no parameter is selected
     */
    LinearizedModel linearize(Block network, Predicate<String> linearized, NDManager manager);
}
