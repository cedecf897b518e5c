package org.modelkit.embedder.betweenness.internal;

import org.modelkit.api.data.Graph;
import org.modelkit.api.embed.Embedder;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.method.Method;
import org.modelkit.api.progress.Progress;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/** Spectral embedding on the edge-betweenness graph: wave-kernel signatures of the symmetrised Stein solution of W_B X L - X + I = 0 ({@code betweenness-spectral}). */
@Component(service = {Embedder.class, Method.class}, configurationPid = BetweennessSpectralEmbedder.PID,
        property = Method.NAME_PROPERTY + "=betweenness-spectral")
@Designate(ocd = EmbedderConfig.class)
public class BetweennessSpectralEmbedder extends SpectralEmbedder {
    static final String PID = "org.modelkit.embedder.betweenness.spectral";

    /**
     * @param config the embedder's configuration
     */
    @Activate
    public BetweennessSpectralEmbedder(EmbedderConfig config) {
        super("betweenness-spectral", "Spectral embedding on the edge-betweenness graph: wave-kernel signatures of the symmetrised Stein solution of W_B X L - X + I = 0",
                "arXiv:2009.14441", config);
    }

    @Override
    Embedding compute(Graph graph, int dimensions, Pipelines.Settings s, Progress progress) {
        return Pipelines.betweennessSpectral(graph, dimensions, s, progress);
    }
}
