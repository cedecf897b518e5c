package com.example.structural;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.modelkit.api.data.Graph;
import org.modelkit.api.embed.Embedder;
import org.modelkit.api.embed.Embedding;
import org.modelkit.api.progress.Progress;
import org.modelkit.io.Csv;
import org.modelkit.io.GraphFiles;
import org.modelkit.shell.format.Summary;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code modelkit:structural GRAPH OUT}: the example's own command (the method also answers {@code modelkit:embed -m structural-features}). */
@Component(service = StructuralCommand.class)
@GogoCommand(scope = "modelkit", function = "structural")
public class StructuralCommand {
    private final Embedder features;

    /** @param features the method, from this bundle */
    @Activate
    public StructuralCommand(@Reference(target = "(modelkit.method=" + StructuralFeatures.NAME + ")") Embedder features) {
        this.features = features;
    }

    @Descriptor("structural node features (degree, harmonic closeness, clustering, mean neighbour degree) of a graph file, as a CSV")
    public Summary structural(@Descriptor("a graph file: edge list, GML or graph-tool .gt") String graph,
            @Descriptor("the CSV to write") String out) throws IOException {
        Graph g = GraphFiles.read(Path.of(graph), null, null, null, false);
        Embedding e = features.embed(g, StructuralFeatures.FEATURES, Progress.NONE);
        List<List<?>> rows = new ArrayList<>();
        for (int u = 0; u < g.nodeCount(); u++) {
            List<Object> row = new ArrayList<>();
            row.add(u);
            for (float v : e.nodes().row(u)) {
                row.add(String.format(Locale.ROOT, "%.6f", v));
            }
            rows.add(row);
        }
        Csv.writeRows(Path.of(out), List.of("node", "degree", "harmonic", "clustering", "neighbourDegree"), rows);
        return new Summary(Path.of(graph).getFileName() + ": " + g.nodeCount() + " nodes, " + StructuralFeatures.FEATURES
                + " structural features", java.util.Map.of("written", out));
    }
}
