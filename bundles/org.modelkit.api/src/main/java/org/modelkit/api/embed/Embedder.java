package org.modelkit.api.embed;

import org.modelkit.api.data.Graph;
import org.modelkit.api.method.Method;
import org.modelkit.api.progress.Progress;
import org.osgi.annotation.versioning.ProviderType;

/** Embeds the nodes (and edges) of a graph as vectors that reflect its structure. */
@ProviderType
public interface Embedder extends Method {
    /**
     * @param graph      the graph; an embedder that cannot treat self-loops, parallel edges,
     *                   directed or disconnected graphs says in its documentation what it does with
     *                   them, or throws
     * @param dimensions the number of coordinates per node, at least 1; an embedder states its upper
     *                   bound (spectral coordinates: at most the node count - 1; signatures sampled at
     *                   energies: independent of the node count)
     * @param progress   receives progress and may cancel
     * @return the embedding
     * @throws IllegalArgumentException if the graph is empty, dimensions is out of range, or the
     *                                  graph has a feature this embedder refuses (named in the message)
     * @throws org.modelkit.api.progress.CancelledException if cancelled
     */
    Embedding embed(Graph graph, int dimensions, Progress progress);
}
