package org.modelkit.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.modelkit.api.data.Graph;

/**
 * Graphs as shell commands take them, the reader chosen by the file's name: graph-tool's binary format
 * ({@code .gt}, {@code .gt.gz}, with a node label property and an edge weight property by name), GML
 * ({@code .gml}, {@code .gml.gz}, weights in {@code weight} or {@code value}) or an edge list (anything
 * else: two node ids and an optional weight per line, labels from a separate file). The companion of
 * {@link LabelledFiles} for graphs.
 */
public final class GraphFiles {
    private GraphFiles() {
    }

    /**
     * @param file          the graph file
     * @param labels        an edge list's label file (one {@code node label} per line), or null
     * @param labelProperty a .gml attribute or .gt vertex property holding node labels, or null
     * @param weights       a .gt edge property holding weights, or null
     * @param directed      for an edge list: keep the direction (methods that need an undirected graph
     *                      refuse it, naming the problem)
     * @return the graph
     * @throws IllegalArgumentException if an option does not apply to the file's format (named)
     * @throws FormatException          if the file is malformed (named, with the line or record)
     * @throws IOException              if the file cannot be read
     */
    public static Graph read(Path file, Path labels, String labelProperty, String weights, boolean directed)
            throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gt") || name.endsWith(".gt.gz")) {
            if (labels != null) {
                throw new IllegalArgumentException("--labels FILE is for edge lists; a .gt file's labels are a vertex"
                        + " property: --label-property NAME");
            }
            return GraphTool.read(file, labelProperty, weights).graph();
        }
        if (weights != null) {
            throw new IllegalArgumentException("--weights names a property of a .gt file; edge lists carry weights in a"
                    + " third column and GML in 'weight' or 'value'");
        }
        if (name.endsWith(".gml") || name.endsWith(".gml.gz")) {
            if (labels != null) {
                throw new IllegalArgumentException("--labels FILE is for edge lists; a .gml file's labels are a node"
                        + " attribute: --label-property NAME");
            }
            return Gml.read(file, labelProperty);
        }
        if (labelProperty != null) {
            throw new IllegalArgumentException("--label-property is for .gml and .gt files; give an edge list's labels"
                    + " with --labels FILE");
        }
        Graph g = EdgeList.read(file, directed);
        return labels == null ? g : EdgeList.withLabels(g, labels);
    }
}
