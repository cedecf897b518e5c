package org.modelkit.distiller.focal.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.modelkit.api.congruent.CongruentTrainer;
import org.modelkit.api.congruent.FlipMetrics;
import org.modelkit.api.congruent.Loss;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.io.Csv;
import org.modelkit.io.Images;
import org.modelkit.io.LabelledFiles;
import org.modelkit.io.LinePlot;
import org.modelkit.io.ResultFolders;
import org.modelkit.nn.ModelFiles;
import org.modelkit.shell.format.Args;
import org.modelkit.shell.format.ConsoleProgress;
import org.modelkit.shell.format.Methods;
import org.modelkit.shell.format.Models;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.Usage;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code modelkit:flips} (negative flips between two models or ensembles), {@code modelkit:distill} (one new
 * model per loss against a reference, on equal terms) and {@code modelkit:gate check} (a dry run of the
 * negative-flip gates a promotion would pass).
 */
@Component(service = CongruentCommands.class)
@GogoCommand(scope = "modelkit", function = {"flips", "distill", "gate"})
public class CongruentCommands {
    /** Negatively flipped images shown in flips.png. */
    static final int SHOWN = 64;

    private final BundleContext context;

    /** @param context to find the trainer and the model store */
    @Activate
    public CongruentCommands(BundleContext context) {
        this.context = context;
    }

    private FocalDistiller held(Methods.Held<CongruentTrainer> h, String method) {
        if (!(h.get() instanceof FocalDistiller d)) {
            throw new IllegalArgumentException("method '" + method + "' is not the focal distiller of this bundle");
        }
        return d;
    }

    private List<Path> models(String list) {
        List<Path> out = new ArrayList<>();
        for (String w : list.split(",")) {
            out.add(Models.resolve(context, w.trim()).path());
        }
        return out;
    }

    /** @return NFR, relative NFR, NFI, PFR and the two error rates */
    @Descriptor("negative flips between an old and a new model (or ensembles, comma-separated) on labelled samples")
    public Summary flips(
            @Descriptor("the CongruentTrainer whose backend runs the models (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = "focal-distillation") String method,
            @Descriptor("folder for flips.csv, flip-pairs.csv and flips.png, written as a whole")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out,
            @Descriptor("the old model(s): stored models or folders, comma-separated for an ensemble") String old,
            @Descriptor("the new model(s), the same way") String updated,
            @Descriptor("the labelled samples: CSV with the label last, or IDX") String test) throws IOException {
        Methods.find(context, CongruentTrainer.class, "congruent trainer", method);
        Path outDir = out.isEmpty() ? null : Path.of(out);
        if (outDir != null) {
            ResultFolders.checkTarget(outDir, "-o '" + out + "'");
        }
        List<Path> a = models(old);
        List<Path> b = models(updated);
        LabelledSet set = LabelledFiles.read(Path.of(test));
        return Methods.using(context, CongruentTrainer.class, "congruent trainer", method, h -> {
            FocalDistiller.Comparison c = held(h, method).compare(a, b, set);
            FlipMetrics f = c.metrics();
            int n = set.size();
            int neg = (int) Math.round(f.negativeFlipRate() * n);
            String line = String.format(Locale.ROOT, "NFR %.2f %% (%d/%d), relative %.1f %%, NFI %.2f, PFR %.2f %%, ER %.1f %% -> %.1f %%",
                    100 * f.negativeFlipRate(), neg, n, 100 * f.relativeNegativeFlipRate(), f.negativeFlipImpact(),
                    100 * f.positiveFlipRate(), 100 * f.referenceErrorRate(), 100 * f.newErrorRate());
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("old", old);
            fields.put("new", updated);
            fields.put("samples", Integer.toString(n));
            if (outDir != null) {
                writeFlips(outDir, set, c);
                fields.put("written", outDir.resolve("flips.csv") + ", " + outDir.resolve("flip-pairs.csv") + ", "
                        + outDir.resolve("flips.png"));
            }
            return new Summary(line, fields);
        });
    }

    private static void writeFlips(Path outDir, LabelledSet set, FocalDistiller.Comparison c) throws IOException {
        List<List<?>> rows = new ArrayList<>();
        Map<String, Integer> pairs = new TreeMap<>();
        List<Integer> negatives = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            int y = set.label(i);
            boolean oldRight = c.reference()[i] == y;
            boolean newRight = c.updated()[i] == y;
            String kind = oldRight && !newRight ? "negative" : !oldRight && newRight ? "positive" : "none";
            rows.add(List.of(i, set.classNames().get(y), name(set, c.reference()[i]), name(set, c.updated()[i]), kind));
            if (kind.equals("negative")) {
                negatives.add(i);
                pairs.merge(name(set, c.reference()[i]) + "\u0000" + name(set, c.updated()[i]), 1, Integer::sum);
            }
        }
        List<List<?>> pairRows = new ArrayList<>();
        pairs.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).forEach(e -> {
            String[] k = e.getKey().split("\u0000");
            pairRows.add(List.of(k[0], k[1], e.getValue()));
        });
        BufferedImage img = flipImages(set, c, negatives);
        ResultFolders.write(outDir, staged -> {
            Csv.writeRows(staged.resolve("flips.csv"), List.of("index", "label", "old", "new", "flip"), rows);
            Csv.writeRows(staged.resolve("flip-pairs.csv"), List.of("old_class", "new_class", "negative_flips"), pairRows);
            Images.writePng(staged.resolve("flips.png"), img);
        });
    }

    private static String name(LabelledSet set, int c) {
        return c < set.classNames().size() ? set.classNames().get(c) : Integer.toString(c);
    }

    /** Up to 64 negatively flipped samples, captioned label / old / new. */
    static BufferedImage flipImages(LabelledSet set, FocalDistiller.Comparison c, List<Integer> negatives) {
        Tensor x = set.features();
        int[] shape = x.shape();
        int h = shape.length >= 3 ? shape[shape.length - 2] : 1;
        int w = shape.length >= 3 ? shape[shape.length - 1] : shape[1];
        int per = x.size() / shape[0];
        int shown = Math.min(SHOWN, negatives.size());
        int scale = Math.max(1, 56 / Math.max(h, w));
        int cellW = Math.max(w * scale, 96) + 10;
        int cellH = h * scale + 22;
        int cols = 8;
        int rows = Math.max(1, (shown + cols - 1) / cols);
        int width = 20 + cols * cellW;
        int height = 44 + rows * cellH + 10;
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        float[] v = x.toArray();
        for (float f : v) {
            lo = Math.min(lo, f);
            hi = Math.max(hi, f);
        }
        float span = hi > lo ? hi - lo : 1;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(String.format(Locale.ROOT, "%d negative flips (old right, new wrong)%s; caption: label / old / new",
                    negatives.size(), negatives.size() > shown ? ", the first " + shown : ""), 10, 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int q = 0; q < shown; q++) {
                int i = negatives.get(q);
                int cx = 10 + (q % cols) * cellW;
                int cy = 34 + (q / cols) * cellH;
                for (int r = 0; r < h; r++) {
                    for (int col = 0; col < w; col++) {
                        int at = i * per + r * w + col;
                        int grey = at < (i + 1) * per ? Math.max(0, Math.min(255, Math.round(255 * (1 - (v[at] - lo) / span)))) : 255;
                        g.setColor(new Color(grey, grey, grey));
                        g.fillRect(cx + col * scale, cy + r * scale, scale, scale);
                    }
                }
                g.setColor(new Color(0xd62728));
                g.setStroke(new BasicStroke(1f));
                g.drawRect(cx - 1, cy - 1, w * scale + 1, h * scale + 1);
                g.setColor(Color.BLACK);
                String caption = name(set, set.label(i)) + " / " + name(set, c.reference()[i]) + " / " + name(set, c.updated()[i]);
                g.drawString(caption.length() > 18 ? caption.substring(0, 18) : caption, cx, cy + h * scale + 14);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** @return per loss: ER, NFR, relative NFR, PFR, seconds */
    @Descriptor("train one new model per loss against a reference (or an ensemble) on equal terms, and compare their flips")
    public Summary distill(
            @Descriptor("the CongruentTrainer to run (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = "focal-distillation") String method,
            @Descriptor("losses, comma-separated: ce, naive, kd, fd-kl, fd-lm")
            @Parameter(names = {"-l", "--losses"}, absentValue = "ce,kd,fd-kl,fd-lm") String lossesArg,
            @Descriptor("α (default: the configuration's)")
            @Parameter(names = {"-a", "--alpha"}, absentValue = "") String alphaArg,
            @Descriptor("β (default: the configuration's)")
            @Parameter(names = {"-b", "--beta"}, absentValue = "") String betaArg,
            @Descriptor("the KL temperature T (default: the configuration's)")
            @Parameter(names = {"-T", "--temperature"}, absentValue = "") String tArg,
            @Descriptor("epochs (default: the configuration's)")
            @Parameter(names = {"-e", "--epochs"}, absentValue = "") String epochsArg,
            @Descriptor("seed of the new networks' initialisation and data order (the same for every loss)")
            @Parameter(names = {"-s", "--seed"}, absentValue = "1") String seedArg,
            @Descriptor("the new network: mlp:W1,W2, small-cnn, small-resnet:W,B [/leaky_relu] (default: the reference's)")
            @Parameter(names = {"-n", "--net"}, absentValue = "") String net,
            @Descriptor("folder for one model per loss, history.csv and nfr-vs-error.png, written as a whole at the end")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out,
            @Descriptor("also publish each model to the store as ID-LOSS, with the (first) reference as parent when it is stored")
            @Parameter(names = {"--publish"}, absentValue = "") String publish,
            @Descriptor("the reference model(s): stored models or folders, comma-separated for an ensemble") String ref,
            @Descriptor("the training samples: CSV with the label last, or IDX") String train,
            @Descriptor("the test samples") String test) throws IOException {
        Methods.find(context, CongruentTrainer.class, "congruent trainer", method);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("-o DIR is missing: the folder for the models, history.csv and nfr-vs-error.png");
        }
        Path outDir = Path.of(out);
        ResultFolders.checkTarget(outDir, "-o '" + out + "'");
        List<Loss> losses = new ArrayList<>();
        for (String l : lossesArg.split(",")) {
            Loss loss = Loss.of(l);
            if (losses.contains(loss)) {
                throw new IllegalArgumentException("-l: " + loss.label() + " is named twice");
            }
            losses.add(loss);
        }
        long seed = Args.longNumber("--seed", seedArg, Long.MIN_VALUE, Long.MAX_VALUE);
        if (!publish.isEmpty()) {
            for (Loss loss : losses) {
                Models.checkPublish(context, publish + "-" + loss.label());
            }
        }
        Models.Resolved firstRef = Models.resolve(context, ref.split(",")[0].trim());
        List<Path> refs = models(ref);
        return Methods.using(context, CongruentTrainer.class, "congruent trainer", method, h -> {
            FocalDistiller d = held(h, method);
            DistillConfig c = d.config();
            double alpha = alphaArg.isEmpty() ? c.alpha() : Args.number("--alpha", alphaArg, 0, Double.MAX_VALUE, false);
            double beta = betaArg.isEmpty() ? c.beta() : Args.number("--beta", betaArg, 0, Double.MAX_VALUE, false);
            double t = tArg.isEmpty() ? c.temperature() : Args.number("--temperature", tArg, 0, Double.MAX_VALUE, true);
            int epochs = epochsArg.isEmpty() ? c.epochs() : Args.wholeNumber("--epochs", epochsArg, 1, 100_000);
            LabelledSet trainSet = LabelledFiles.read(Path.of(train));
            LabelledSet testSet = LabelledFiles.read(Path.of(test));
            List<FocalDistiller.Trained> runs = new ArrayList<>();
            ConsoleProgress progress = new ConsoleProgress(System.out, 250);
            try {
                for (Loss loss : losses) {
                    runs.add(d.fit(refs, net, trainSet, testSet, FocalDistiller.settings(c, loss, alpha, beta, t, epochs, seed),
                            FocalDistiller.probabilities(c), progress));
                }
                Map<String, String> f = new LinkedHashMap<>();
                f.put("reference", ref + (refs.size() > 1 ? " (ensemble of " + refs.size() + ", mean " + c.ensembleAveraging()
                        + ")" : ""));
                f.put("new network", runs.get(0).spec() + String.format(Locale.ROOT, "; %d epochs, %s lr %s, batch %d, seed %d;"
                        + " α %s, β %s, T %s", epochs, c.optimiser(), c.lr(), c.batch(), seed, alpha, beta, t));
                FlipMetrics first = runs.get(0).result().metrics();
                f.put("old model", String.format(Locale.ROOT, "ER %.2f %% on %d test samples", 100 * first.referenceErrorRate(),
                        first.samples()));
                for (int k = 0; k < losses.size(); k++) {
                    CongruentTraining.Result r = runs.get(k).result();
                    FlipMetrics m = r.metrics();
                    f.put(losses.get(k).label(), String.format(Locale.ROOT, "ER %.2f %%, NFR %.2f %%, relative %.1f %%, PFR %.2f %%,"
                            + " loss %.4g, %.1f s", 100 * m.newErrorRate(), 100 * m.negativeFlipRate(),
                            100 * m.relativeNegativeFlipRate(), 100 * m.positiveFlipRate(), r.loss()[r.loss().length - 1],
                            r.seconds()));
                }
                writeRuns(outDir, losses, runs, ref);
                f.put("written", outDir + ": " + String.join(", ", losses.stream().map(Loss::label).toList())
                        + ", history.csv, nfr-vs-error.png");
                if (!publish.isEmpty()) {
                    List<String> published = new ArrayList<>();
                    for (int k = 0; k < losses.size(); k++) {
                        FlipMetrics m = runs.get(k).result().metrics();
                        Map<String, String> props = new LinkedHashMap<>();
                        props.put("loss", losses.get(k).label());
                        props.put("reference", ref);
                        props.put("nfr", Double.toString(m.negativeFlipRate()));
                        props.put("error", Double.toString(m.newErrorRate()));
                        published.add(Models.publish(context, publish + "-" + losses.get(k).label(), firstRef.handle(),
                                d.descriptor().name() + " " + d.descriptor().version(), props,
                                Models.copying(outDir.resolve(losses.get(k).label()), Map.of())).handle().toString());
                    }
                    f.put("published", String.join(", ", published) + (firstRef.handle() == null ? ""
                            : " (parent " + firstRef.handle() + ")"));
                }
                Loss best = losses.get(0);
                for (int k = 1; k < losses.size(); k++) {
                    if (runs.get(k).result().metrics().negativeFlipRate() < runs.get(losses.indexOf(best)).result().metrics()
                            .negativeFlipRate()) {
                        best = losses.get(k);
                    }
                }
                FlipMetrics bm = runs.get(losses.indexOf(best)).result().metrics();
                return new Summary(String.format(Locale.ROOT, "%d losses trained; fewest negative flips: %s, NFR %.2f %% at ER %.2f %%",
                        losses.size(), best.label(), 100 * bm.negativeFlipRate(), 100 * bm.newErrorRate()), f);
            } finally {
                progress.finish();
                for (FocalDistiller.Trained r : runs) {
                    r.result().model().close();
                }
            }
        });
    }

    private static void writeRuns(Path outDir, List<Loss> losses, List<FocalDistiller.Trained> runs, String ref)
            throws IOException {
        List<List<?>> rows = new ArrayList<>();
        List<LinePlot.Series> lines = new ArrayList<>();
        for (int k = 0; k < losses.size(); k++) {
            CongruentTraining.Result r = runs.get(k).result();
            double[] er = new double[r.errors().length];
            double[] nfr = new double[er.length];
            for (int e = 0; e < er.length; e++) {
                rows.add(List.of(losses.get(k).label(), e + 1, r.loss()[e], r.errors()[e], r.flips()[e]));
                er[e] = 100 * r.errors()[e];
                nfr[e] = 100 * r.flips()[e];
            }
            lines.add(new LinePlot.Series(losses.get(k).label(), er, nfr, k, false));
        }
        ResultFolders.write(outDir, staged -> {
            for (int k = 0; k < losses.size(); k++) {
                ModelFiles.save(staged.resolve(losses.get(k).label()), runs.get(k).spec(), runs.get(k).result().model().getBlock());
            }
            Csv.writeRows(staged.resolve("history.csv"), List.of("loss", "epoch", "train_loss", "error_rate", "nfr"), rows);
            LinePlot.write(staged.resolve("nfr-vs-error.png"), "negative flips against error, per epoch, reference " + ref,
                    "test error (%)", "negative flip rate (%)", false, lines);
        });
    }

    /** @return one line per gate that checks the id: its verdict */
    @Descriptor("dry-run the negative-flip gates that promoting a stored version would pass: gate check ID@N")
    public String gate(
            @Descriptor("check") String action,
            @Descriptor("the candidate, a stored version ID@N") String candidate) {
        if (!action.equals("check")) {
            throw new IllegalArgumentException("modelkit:gate " + action + ": the only action is check (modelkit:gate check ID@N)");
        }
        org.osgi.framework.ServiceReference<org.modelkit.api.model.ModelStore> sr =
                context.getServiceReference(org.modelkit.api.model.ModelStore.class);
        org.modelkit.api.model.ModelStore store = sr == null ? null : context.getService(sr);
        if (store == null) {
            throw new IllegalStateException("no model store is running");
        }
        try {
            org.modelkit.api.model.StoredModel cand = store.describe(candidate);
            if (cand.current()) {
                throw new IllegalArgumentException(cand.handle() + " is already the current version of " + cand.handle().id());
            }
            org.modelkit.api.model.StoredModel cur = store.describe(cand.handle().id());
            List<String> lines = new ArrayList<>();
            java.util.Collection<org.osgi.framework.ServiceReference<FlipGate>> refs;
            try {
                refs = context.getServiceReferences(FlipGate.class, null);
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            for (org.osgi.framework.ServiceReference<FlipGate> r : refs) {
                FlipGate g = context.getService(r);
                try {
                    if (g == null || !g.modelId().equals(cand.handle().id())) {
                        continue;
                    }
                    FlipGate.Verdict v = g.check(cur, cand);
                    lines.add("gate " + g.name() + (v.refused() ? " refused " : " accepts ") + cand.handle() + ": " + v.reason());
                } finally {
                    context.ungetService(r);
                }
            }
            if (lines.isEmpty()) {
                return "no negative-flip gate checks " + cand.handle().id() + " (configure org.modelkit.distiller.focal.gate~NAME"
                        + " with model.id=" + cand.handle().id() + ")";
            }
            return String.join("\n", lines);
        } finally {
            context.ungetService(sr);
        }
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
