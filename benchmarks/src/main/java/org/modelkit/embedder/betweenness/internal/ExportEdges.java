package org.modelkit.embedder.betweenness.internal;

import java.io.IOException;
import java.nio.file.Path;
import org.modelkit.api.data.Graph;
import org.modelkit.io.EdgeList;

/**
 * Writes each benchmark graph, prepared exactly as the embedder prepares it (symmetrised, no
 * self-loops, parallel edges merged, unweighted), as an edge list for the Python peers:
 * {@code java ExportEdges OUTDIR name...}.
 */
public final class ExportEdges {
    private ExportEdges() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            SimpleGraph s = SimpleGraph.of(BenchGraphs.load(args[i]));
            Graph g = Graph.fromEdges(s.n, s.eu, s.ev, null, false);
            EdgeList.write(out.resolve(args[i] + ".edges"), g);
            System.out.println(args[i] + ": " + s.n + " nodes, " + s.m + " edges " + s.treatment());
        }
    }
}
