package org.modelkit.embedder.betweenness.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.modelkit.api.data.Graph;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.embed.Embedder;
import org.modelkit.api.embed.Embedding;
import org.modelkit.io.Csv;
import org.modelkit.io.GraphFiles;
import org.modelkit.io.Images;
import org.modelkit.shell.format.Args;
import org.modelkit.shell.format.ConsoleProgress;
import org.modelkit.shell.format.Methods;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.Usage;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Component;

/**
 * {@code modelkit:embed GRAPH OUT}: reads a graph (GML, graph-tool, or an edge list), embeds it with
 * any installed {@link Embedder} chosen by name, and writes the node vectors as CSV, a scatter plot
 * as PNG beside it, and optionally the edge vectors. Nothing is written if the embedding fails.
 */
@Component(service = EmbedCommand.class)
@GogoCommand(scope = "modelkit", function = "embed")
public class EmbedCommand {
    private final BundleContext context;

    /**
     * @param context to look embedders up by name
     */
    @Activate
    public EmbedCommand(BundleContext context) {
        this.context = context;
    }

    /**
     * @return the one-line summary and what was written
     */
    @Descriptor("embed the nodes of a graph; writes OUT (CSV: node, name, label, coordinates) and a PNG scatter beside it")
    public Summary embed(
            @Descriptor("embedder: betweenness-spectral, laplacian-eigenmaps, wks, or any installed Embedder's name")
            @Parameter(names = {"-m", "--method"}, absentValue = "betweenness-spectral") String method,
            @Descriptor("coordinates per node")
            @Parameter(names = {"-d", "--dimensions"}, absentValue = "16") String dimensionsArg,
            @Descriptor("node labels for an edge list: a file of 'node label' lines")
            @Parameter(names = {"-l", "--labels"}, absentValue = "") String labels,
            @Descriptor("node attribute (GML) or vertex property (.gt) holding labels, e.g. value")
            @Parameter(names = {"-p", "--label-property"}, absentValue = "") String labelProperty,
            @Descriptor("edge property holding weights (.gt)")
            @Parameter(names = {"-w", "--weights"}, absentValue = "") String weights,
            @Descriptor("read an edge list as directed (embedders symmetrise it)")
            @Parameter(names = {"--directed"}, absentValue = "false", presentValue = "true") String directedArg,
            @Descriptor("also write the edge vectors to OUT with -edges before .csv")
            @Parameter(names = {"-e", "--edges"}, absentValue = "false", presentValue = "true") String edgesArg,
            @Descriptor("picture: pca (two principal components) or first (the first two coordinates)")
            @Parameter(names = {"--plot"}, absentValue = "pca") String plot,
            @Descriptor("the graph: .gml, .gt, .gt.gz, or an edge list (u v [weight] per line)") String graph,
            @Descriptor("the CSV file to write; the PNG goes beside it") String out) throws IOException {
        Methods.find(context, Embedder.class, "embedder", method); // before reading the graph
        int dimensions = Args.wholeNumber("-d", dimensionsArg, 1, 4096);
        boolean directed = Args.flag("--directed", directedArg);
        boolean edges = Args.flag("--edges", edgesArg);
        if (!plot.equals("pca") && !plot.equals("first")) {
            throw new IllegalArgumentException("--plot " + plot + ": use pca or first");
        }
        if (!out.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            throw new IllegalArgumentException("OUT '" + out + "' must be a .csv file");
        }
        Path in = Path.of(graph);
        Path csv = Path.of(out);
        Path png = Path.of(out.substring(0, out.length() - 4) + ".png");
        Path ecsv = Path.of(out.substring(0, out.length() - 4) + "-edges.csv");
        // every file this call writes is checked before any work, so none is written if one cannot be
        for (Path p : edges ? List.of(csv, png, ecsv) : List.of(csv, png)) {
            if (Files.isDirectory(p)) {
                throw new IllegalArgumentException("'" + p + "' is a directory; OUT '" + out + "' would write it");
            }
            Path parent = p.toAbsolutePath().getParent();
            if (Files.exists(parent) && !Files.isDirectory(parent)) {
                throw new IllegalArgumentException("OUT '" + out + "': " + parent + " is not a directory");
            }
        }
        Graph g = GraphFiles.read(in, labels.isEmpty() ? null : Path.of(labels), blank(labelProperty), blank(weights), directed);
        ConsoleProgress progress = new ConsoleProgress(System.out, 250);
        long t0 = System.nanoTime();
        Embedding e;
        try {
            e = Methods.call(context, Embedder.class, "embedder", method, m -> m.embed(g, dimensions, progress));
        } finally {
            progress.finish();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        Tensor x = e.nodes();
        int d = x.dim(1);
        List<String> header = new ArrayList<>(List.of("node", "name", "label"));
        for (int j = 0; j < d; j++) {
            header.add("x" + j);
        }
        List<List<?>> rows = new ArrayList<>();
        int[] lab = g.labels();
        for (int v = 0; v < x.dim(0); v++) {
            List<Object> row = new ArrayList<>(List.of(v, g.names() == null ? Integer.toString(v) : g.names().get(v),
                    lab == null ? "" : Integer.toString(lab[v])));
            for (float f : x.row(v)) {
                row.add(f);
            }
            rows.add(row);
        }
        String title = in.getFileName() + ": " + method + ", " + g.nodeCount() + " nodes, d = " + d;
        boolean pca = plot.equals("pca") && d > 1;
        String xAxis = d == 1 ? "x0, the only coordinate (a 1-dimensional embedding: the vertical position is 0)"
                : pca ? "principal component 1 of the node vectors" : "coordinate x0";
        String yAxis = d == 1 ? null : pca ? "principal component 2" : "coordinate x1";
        var image = ScatterPlot.render(ScatterPlot.project(x, pca), g.edges(), lab, g.labelNames(), title, xAxis, yAxis);
        Csv.writeRows(csv, header, rows);
        Images.writePng(png, image);
        Map<String, String> f = new LinkedHashMap<>();
        f.put("node vectors", out);
        f.put("picture", png.toString());
        if (edges && e.edges() != null) {
            List<List<?>> erows = new ArrayList<>();
            int[][] pairs = g.edges();
            for (int k = 0; k < pairs.length; k++) {
                List<Object> row = new ArrayList<>(List.of(pairs[k][0], pairs[k][1]));
                for (float v : e.edges().row(k)) {
                    row.add(v);
                }
                erows.add(row);
            }
            List<String> eh = new ArrayList<>(List.of("source", "target"));
            for (int j = 0; j < e.edges().dim(1); j++) {
                eh.add("y" + j);
            }
            Csv.writeRows(ecsv, eh, erows);
            f.put("edge vectors", ecsv.toString());
        }
        new java.util.TreeMap<>(e.diagnostics()).forEach((k, v) -> f.put(k, format(v)));
        String cond = e.diagnostics().containsKey("conditioning")
                ? String.format(Locale.ROOT, ", conditioning min|1-mu*lambda| = %.3g", e.diagnostics().get("conditioning")) : "";
        String headline = String.format(Locale.ROOT, "%s: %d nodes, %d edges, %s d=%d in %.2f s%s", in.getFileName(),
                g.nodeCount(), g.edgeCount(), method, d, seconds, cond);
        return new Summary(headline, f);
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }

    private static String blank(String s) {
        return s.isEmpty() ? null : s;
    }

    /**
     * Gogo calls this when the arguments fit no command of this class: a usage line, not "Cannot coerce".
     *
     * @param argv the command's name, then its arguments
     * @return never
     */
    public Object _main(Object... argv) {
        throw Usage.mismatch(this, argv);
    }
}
