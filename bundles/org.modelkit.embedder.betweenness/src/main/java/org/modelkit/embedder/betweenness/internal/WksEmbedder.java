package org.modelkit.embedder.betweenness.internal;

import org.modelkit.api.data.Graph;
import org.modelkit.api.embed.Embedder;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.method.Method;
import org.modelkit.api.progress.Progress;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/** Wave-kernel signatures of the normalised Laplacian ({@code wks}). */
@Component(service = {Embedder.class, Method.class}, configurationPid = WksEmbedder.PID,
        property = Method.NAME_PROPERTY + "=wks")
@Designate(ocd = EmbedderConfig.class)
public class WksEmbedder extends SpectralEmbedder {
    static final String PID = "org.modelkit.embedder.betweenness.wks";

    /**
     * @param config the embedder's configuration
     */
    @Activate
    public WksEmbedder(EmbedderConfig config) {
        super("wks", "Wave-kernel signatures of the normalised Laplacian",
                "baseline (Aubry et al., 2011)", config);
    }

    @Override
    Embedding compute(Graph graph, int dimensions, Pipelines.Settings s, Progress progress) {
        return Pipelines.waveKernel(graph, dimensions, s, progress);
    }
}
