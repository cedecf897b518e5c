package org.modelkit.embedder.betweenness.internal;

import org.modelkit.api.data.Graph;
import org.modelkit.api.embed.Embedder;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.method.Method;
import org.modelkit.api.progress.Progress;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/** Laplacian eigenmaps: the smallest non-trivial eigenvectors of the normalised Laplacian ({@code laplacian-eigenmaps}). */
@Component(service = {Embedder.class, Method.class}, configurationPid = LaplacianEigenmapsEmbedder.PID,
        property = Method.NAME_PROPERTY + "=laplacian-eigenmaps")
@Designate(ocd = EmbedderConfig.class)
public class LaplacianEigenmapsEmbedder extends SpectralEmbedder {
    static final String PID = "org.modelkit.embedder.betweenness.eigenmaps";

    /**
     * @param config the embedder's configuration
     */
    @Activate
    public LaplacianEigenmapsEmbedder(EmbedderConfig config) {
        super("laplacian-eigenmaps", "Laplacian eigenmaps: the smallest non-trivial eigenvectors of the normalised Laplacian",
                "baseline (Belkin and Niyogi, 2003)", config);
    }

    @Override
    Embedding compute(Graph graph, int dimensions, Pipelines.Settings s, Progress progress) {
        return Pipelines.laplacianEigenmaps(graph, dimensions, s, progress);
    }
}
