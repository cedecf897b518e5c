package org.modelkit.api.embed;

import java.util.Map;
import org.modelkit.api.data.Tensor;

/**
 * A graph embedding.
 *
 * @param nodes       shape {@code [nodeCount, d]}: row u is node u's vector
 * @param edges       shape {@code [edgeCount, d']}: row e is the vector of the e-th edge in the
 *                    order of {@link org.modelkit.api.data.Graph#edges()}, symmetric in the two
 *                    endpoints of an undirected edge; or null if the embedder makes no edge vectors
 * @param diagnostics named figures about the computation (for example conditioning or truncation
 *                    error), never null
 */
public record Embedding(Tensor nodes, Tensor edges, Map<String, Double> diagnostics) {
    /** @throws IllegalArgumentException if nodes or diagnostics is null, or a tensor is not rank 2 */
    public Embedding {
        if (nodes == null || diagnostics == null) {
            throw new IllegalArgumentException("nodes and diagnostics must not be null");
        }
        if (nodes.rank() != 2) {
            throw new IllegalArgumentException("nodes must have rank 2 [nodeCount, d], got " + nodes);
        }
        if (edges != null && edges.rank() != 2) {
            throw new IllegalArgumentException("edges must have rank 2 [edgeCount, d'], got " + edges);
        }
        diagnostics = Map.copyOf(diagnostics);
    }
}
