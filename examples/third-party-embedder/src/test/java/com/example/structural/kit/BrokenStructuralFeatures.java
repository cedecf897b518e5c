package com.example.structural.kit;

import java.util.Map;
import java.util.Set;
import org.modelkit.api.data.Graph;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.embed.Embedder;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.progress.Progress;
import org.osgi.service.component.annotations.Component;

/**
 * A deliberately broken variant, registered by the test bundle only: it skips the argument checks, so a null graph
 * gets a NullPointerException instead of an IllegalArgumentException. BrokenVariantTest shows the kit catching it.
 */
@Component(service = {Embedder.class, Method.class}, property = Method.NAME_PROPERTY + "=" + BrokenStructuralFeatures.NAME)
public class BrokenStructuralFeatures implements Embedder {
    static final String NAME = "structural-features-broken";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(NAME, "Structural features without argument checks",
            "test fixture", "1.0.0", Set.of());

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Embedding embed(Graph graph, int dimensions, Progress progress) {
        int n = graph.nodeCount(); // the breach: dereferences before checking, so a null graph is a NullPointerException
        if (n < 2) {
            throw new IllegalArgumentException("graph has " + n + " node(s)");
        }
        if (dimensions < 1 || dimensions > 4) {
            throw new IllegalArgumentException("dimensions = " + dimensions + " must lie in [1, 4]");
        }
        // otherwise well behaved: powers of the degree centrality, with progress and cancellation
        float[] out = new float[n * dimensions];
        for (int u = 0; u < n; u++) {
            progress.checkCancelled();
            double c = graph.degree(u) / (double) (n - 1);
            for (int j = 0; j < dimensions; j++) {
                out[u * dimensions + j] = (float) Math.pow(c, j + 1);
            }
            progress.report("nodes", u + 1, n);
        }
        return new Embedding(Tensor.of(out, n, dimensions), null, Map.of());
    }
}
