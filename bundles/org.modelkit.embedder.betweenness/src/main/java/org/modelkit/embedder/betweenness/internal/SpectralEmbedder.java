package org.modelkit.embedder.betweenness.internal;

import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.modelkit.api.data.Graph;
import org.modelkit.api.embed.Embedder;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.progress.Progress;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Modified;

/**
 * The common part of the three embedder components: configuration (validated; a bad update is
 * refused and the previous settings stay), the descriptor, argument checks.
 */
abstract class SpectralEmbedder implements Embedder {
    private static final Logger LOG = Logger.getLogger(SpectralEmbedder.class.getName());
    private final MethodDescriptor descriptor;
    private volatile Pipelines.Settings settings;

    SpectralEmbedder(String name, String title, String reference, EmbedderConfig config) {
        Bundle b = FrameworkUtil.getBundle(getClass());
        this.descriptor = new MethodDescriptor(name, title, reference,
                b == null ? "outside OSGi" : b.getVersion().toString(), Set.of());
        this.settings = settings(config);
    }

    static Pipelines.Settings settings(EmbedderConfig c) {
        int threads = c.threads() == 0 ? Math.max(1, Runtime.getRuntime().availableProcessors()) : c.threads();
        return new Pipelines.Settings(c.betweenness_mode(), c.betweenness_samples(), c.betweenness_scale(),
                c.betweenness_weighted(), c.seed(), threads, c.dense_limit(), c.eigenpairs(), c.wks_width());
    }

    @Modified
    void modified(EmbedderConfig config) {
        try {
            settings = settings(config);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.SEVERE, descriptor.name() + ": configuration refused, keeping the previous one: " + e.getMessage());
        }
    }

    Pipelines.Settings settings() {
        return settings;
    }

    @Override
    public MethodDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Embedding embed(Graph graph, int dimensions, Progress progress) {
        if (graph == null) {
            throw new IllegalArgumentException("graph must not be null");
        }
        return compute(graph, dimensions, settings, progress == null ? Progress.NONE : progress);
    }

    abstract Embedding compute(Graph graph, int dimensions, Pipelines.Settings s, Progress progress);
}
