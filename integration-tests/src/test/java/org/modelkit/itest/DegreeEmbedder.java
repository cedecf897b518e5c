package org.modelkit.itest;

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
 * A minimal third-party method, registered the way the api documents (under its interface and
 * Method, with the name property): each node's vector is its weighted degree.
 */
@Component(service = {Embedder.class, Method.class}, property = Method.NAME_PROPERTY + "=test-degree")
public class DegreeEmbedder implements Embedder {
    static final MethodDescriptor DESCRIPTOR = new MethodDescriptor("test-degree",
            "Weighted node degree (integration-test method)", "baseline", "1.0.0", Set.of());

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Embedding embed(Graph graph, int dimensions, Progress progress) {
        if (graph.nodeCount() == 0) {
            throw new IllegalArgumentException("graph is empty");
        }
        if (dimensions != 1) {
            throw new IllegalArgumentException("dimensions = " + dimensions + "; the degree embedding has 1");
        }
        int[] off = graph.offsets();
        double[] w = graph.weights();
        float[] deg = new float[graph.nodeCount()];
        for (int u = 0; u < deg.length; u++) {
            for (int i = off[u]; i < off[u + 1]; i++) {
                deg[u] += (float) w[i];
            }
            progress.report("nodes", u + 1, deg.length);
        }
        return new Embedding(Tensor.of(deg, deg.length, 1), null, Map.of());
    }
}
