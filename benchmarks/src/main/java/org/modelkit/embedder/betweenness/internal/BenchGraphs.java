package org.modelkit.embedder.betweenness.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.modelkit.api.data.Graph;
import org.modelkit.io.GraphTool;

/** The benchmark graphs: graph-tool collection files in data/graphs (scripts/fetch-data graphs). */
final class BenchGraphs {
    private BenchGraphs() {
    }

    static Path dir() {
        Path p = Path.of(System.getProperty("modelkit.data", "data")).resolve("graphs");
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException(p.toAbsolutePath() + " is missing: run scripts/fetch-data graphs");
        }
        return p;
    }

    static Graph load(String name) {
        try {
            return GraphTool.read(dir().resolve(name + ".gt.gz"), null, null).graph();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
