package org.modelkit.compute.api;

import java.util.List;
import org.modelkit.api.data.Tensor;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A model loaded on one backend. Thread-safe: several threads may call {@link #run} at once. Close it
 * to free its native memory.
 */
@ProviderType
public interface LoadedModel extends AutoCloseable {
    /** @return the id of the backend that computes it */
    String backendId();

    /** @return the names of the model's inputs, in the order {@link #run} takes them */
    List<String> inputNames();

    /**
     * Runs one forward pass.
     *
     * @param inputs one tensor per input, in the order of {@link #inputNames()}
     * @return the outputs, in the model's order
     * @throws IllegalArgumentException if the number of inputs or a shape does not fit the model (named)
     * @throws IllegalStateException    if the model was closed or its backend became unavailable
     */
    List<Tensor> run(List<Tensor> inputs);

    /** Frees the model's native memory; later calls fail with IllegalStateException. */
    @Override
    void close();
}
