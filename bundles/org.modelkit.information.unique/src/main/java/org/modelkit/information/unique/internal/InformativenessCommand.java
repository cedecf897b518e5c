package org.modelkit.information.unique.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.information.InformationEstimator;
import org.modelkit.api.information.InformationSettings;
import org.modelkit.io.AtomicFiles;
import org.modelkit.io.Csv;
import org.modelkit.io.LabelledFiles;
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
 * {@code modelkit:informativeness}: every training sample's smooth unique information about the function
 * and the weights that training from a model's w0 produces; writes OUT.csv, OUT-top.png and OUT-hist.png as
 * a whole.
 */
@Component(service = InformativenessCommand.class)
@GogoCommand(scope = "modelkit", function = {"informativeness"})
public class InformativenessCommand {
    /** The largest training set --truth retrains for (n + 1 trainings). */
    static final int TRUTH_MAX = 200;

    private final BundleContext context;

    /** @param context to find the estimator and the model store */
    @Activate
    public InformativenessCommand(BundleContext context) {
        this.context = context;
    }

    /** @return n, k, d, Θ's spectrum, the most informative samples and, with --flip or --truth, how well F-SI finds them */
    @Descriptor("estimate how much each training sample tells the trained network (smooth unique information, arXiv:2101.06640)")
    public Summary informativeness(
            @Descriptor("the InformationEstimator to run, by name (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = "unique-information") String method,
            @Descriptor("inputs F-SI is measured on: CSV with the label last, or IDX (default: the training inputs)")
            @Parameter(names = {"--validation"}, absentValue = "") String validationArg,
            @Descriptor("keep these classes, in the order of the model's outputs (a binary model: two, as 0 and 1), e.g. 4,9")
            @Parameter(names = {"--classes"}, absentValue = "") String classesArg,
            @Descriptor("flip this fraction of the training labels (seeded), and report how well F-SI flags them")
            @Parameter(names = {"--flip"}, absentValue = "0") String flipArg,
            @Descriptor("seed of the flips and the projection (default: the configuration's)")
            @Parameter(names = {"--seed"}, absentValue = "") String seedArg,
            @Descriptor("learning rate of the predicted gradient descent on the mean loss (default: the configuration's)")
            @Parameter(names = {"--lr"}, absentValue = "") String lrArg,
            @Descriptor("gradient descent steps, or inf for the converged solution (default: the configuration's)")
            @Parameter(names = {"-t", "--steps"}, absentValue = "") String stepsArg,
            @Descriptor("weight decay λ′ towards w0 on the mean loss (default: the configuration's)")
            @Parameter(names = {"--weight-decay"}, absentValue = "") String decayArg,
            @Descriptor("random gradient coordinates kept per tensor, 0 for all (default: the configuration's)")
            @Parameter(names = {"--projection"}, absentValue = "") String projectionArg,
            @Descriptor("also retrain the real network without each sample (n <= 200) and compare")
            @Parameter(names = {"--truth"}, absentValue = "false", presentValue = "true") String truthArg,
            @Descriptor("w0, the network training starts from: a stored model (id or id@version) or a folder") String model,
            @Descriptor("the training samples: CSV with the label last, or IDX") String train,
            @Descriptor("the CSV to write; OUT-top.png and OUT-hist.png go beside it") String out) throws IOException {
        Methods.find(context, InformationEstimator.class, "information estimator", method); // before any work
        if (!out.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            throw new IllegalArgumentException("OUT '" + out + "' must be a .csv file");
        }
        String stem = out.substring(0, out.length() - 4);
        Path csv = Path.of(out);
        Path top = Path.of(stem + "-top.png");
        Path hist = Path.of(stem + "-hist.png");
        for (Path p : List.of(csv, top, hist)) {
            if (Files.isDirectory(p)) {
                throw new IllegalArgumentException("'" + p + "' is a directory; OUT '" + out + "' would write it");
            }
            Path parent = p.toAbsolutePath().getParent();
            if (Files.exists(parent) && !Files.isDirectory(parent)) {
                throw new IllegalArgumentException("OUT '" + out + "': " + parent + " is not a directory");
            }
        }
        int[] classes = classesArg.isEmpty() ? null : classes(classesArg);
        double flip = Args.number("--flip", flipArg, 0, 0.5, false);
        boolean truth = Args.flag("--truth", truthArg);
        return Methods.using(context, InformationEstimator.class,
                "information estimator", method, held -> {
            if (!(held.get() instanceof UniqueInformationJob job)) {
                throw new IllegalArgumentException("method '" + method + "' is not the estimator of this bundle;"
                        + " modelkit:informativeness needs its model folders and retraining");
            }
            InformationSettings c = UniqueInformationJob.settings(job.config());
            long seed = seedArg.isEmpty() ? c.seed() : Args.longNumber("--seed", seedArg, Long.MIN_VALUE, Long.MAX_VALUE);
            double lr = lrArg.isEmpty() ? c.learningRate() : Args.number("--lr", lrArg, 0, Double.MAX_VALUE, true);
            int steps = stepsArg.isEmpty() ? c.steps()
                    : stepsArg.equalsIgnoreCase("inf") ? 0 : Args.wholeNumber("-t", stepsArg, 1, 100_000_000);
            double decay = decayArg.isEmpty() ? c.weightDecay() : Args.number("--weight-decay", decayArg, 0, Double.MAX_VALUE,
                    false);
            int projection = projectionArg.isEmpty() ? c.projectionPerTensor()
                    : Args.wholeNumber("--projection", projectionArg, 0, Integer.MAX_VALUE);
            InformationSettings s = new InformationSettings(lr, steps, decay, c.sigma(), c.weightSigma(), projection, seed);
            if (truth && s.converged()) {
                throw new IllegalArgumentException("--truth retrains for a finite number of steps: give -t STEPS, not inf");
            }
            Models.Resolved source = Models.resolve(context, model);
            LabelledSet set = LabelledFiles.read(Path.of(train));
            LabelledSet valSet = validationArg.isEmpty() ? null : LabelledFiles.read(Path.of(validationArg));
            if (classes != null) {
                set = Selection.classes(set, classes, "training");
                if (valSet != null) {
                    valSet = Selection.classes(valSet, classes, "validation");
                }
            }
            if (truth && set.size() > TRUTH_MAX) {
                throw new IllegalArgumentException("--truth retrains the network n + 1 times; the training data has " + set.size()
                        + " samples, more than " + TRUTH_MAX);
            }
            boolean[] flipped = new boolean[set.size()];
            if (flip > 0) {
                int k = Math.max(2, set.classCount());
                Selection.Flipped f = Selection.flip(set, flip, k, seed);
                set = f.set();
                flipped = f.flipped();
            }
            final boolean[] flags = flipped;
            Tensor validation = valSet == null ? set.features() : valSet.features();
            ConsoleProgress progress = new ConsoleProgress(System.out, 250);
            Informativeness.Result r;
            Retraining.Truth t = null;
            try {
                r = job.estimate(source.path(), set, validation, s, progress);
                if (truth) {
                    t = job.retrain(source.path(), set, validation, s, progress);
                }
            } finally {
                progress.finish();
            }
            double[] fsi = r.information().function();
            double[] wsi = r.information().weights();
            int n = fsi.length;
            int[] rank = new int[n];
            int[] order = r.information().mostInformative(n);
            for (int q = 0; q < n; q++) {
                rank[order[q]] = q + 1;
            }
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                labels.add(set.classNames().get(set.label(i)));
            }
            Map<String, String> f = new LinkedHashMap<>();
            f.put("model", source.label());
            f.put("data", String.format(Locale.ROOT, "%d training samples%s, %d validation inputs%s", n, classes == null ? ""
                    : " of classes " + classesArg, validation.dim(0), valSet == null ? " (the training inputs)" : ""));
            f.put("linearized", String.format(Locale.ROOT, "n %d, k %d, d %,d%s", n, r.outputs(), r.parameters(),
                    r.columns() < r.parameters() ? String.format(Locale.ROOT, " (projected to %,d: %d coordinates per tensor)",
                            r.columns(), s.projectionPerTensor()) : ""));
            f.put("training predicted", String.format(Locale.ROOT, "full-batch GD, lr %s, %s steps, weight decay %s", lr,
                    s.converged() ? "∞" : Integer.toString(steps), decay));
            f.put("Θ + λI", String.format(Locale.ROOT, "eigenvalues %.4g .. %.4g (condition %.3g); lr·λ_max/n = %.4f (below 2)",
                    r.solution().minEigen(), r.solution().maxEigen(), r.solution().condition(), r.rate(s)));
            f.put("time", String.format(Locale.ROOT, "%.2f s", r.seconds()));
            StringBuilder most = new StringBuilder();
            for (int q = 0; q < Math.min(10, n); q++) {
                int i = order[q];
                most.append(String.format(Locale.ROOT, "%s#%d (label %s%s) %.3g", q == 0 ? "" : ", ", i, labels.get(i),
                        flipped[i] ? ", flipped" : "", fsi[i]));
            }
            f.put("most informative (F-SI, nats)", most.toString());
            double[] sorted = fsi.clone();
            Arrays.sort(sorted);
            f.put("F-SI spread", String.format(Locale.ROOT, "min %.3g, median %.3g, max %.3g nats; weight SI median %.3g nats",
                    sorted[0], sorted[n / 2], sorted[n - 1], median(wsi)));
            String headline = String.format(Locale.ROOT, "%d samples: most informative #%d (F-SI %.3g nats, %.0fx the median)",
                    n, order[0], fsi[order[0]], fsi[order[0]] / Math.max(sorted[n / 2], Double.MIN_VALUE));
            int flips = (int) IntStream.range(0, n).filter(i -> flags[i]).count();
            if (flips > 0 && flips < n) {
                double auc = Agreement.auc(fsi, flipped);
                int caught = (int) IntStream.range(0, flips).filter(q -> flags[order[q]]).count();
                f.put("flipped labels", String.format(Locale.ROOT, "%d of %d; AUC of F-SI at flagging them %.3f; %d of them among"
                        + " the %d most informative", flips, n, auc, caught, flips));
                headline += String.format(Locale.ROOT, "; flipped labels flagged with AUC %.3f", auc);
            }
            if (t != null) {
                f.put("against retraining", String.format(Locale.ROOT, "F-SI Pearson %.3f, Spearman %.3f; weight SI Pearson %.3f,"
                        + " Spearman %.3f (%d trainings, %.1f s)", Agreement.pearson(fsi, t.function()),
                        Agreement.spearman(fsi, t.function()), Agreement.pearson(wsi, t.weights()),
                        Agreement.spearman(wsi, t.weights()), n + 1, t.seconds()));
            }
            write(csv, top, hist, set, fsi, wsi, rank, labels, flipped, flips > 0, t, source.label());
            f.put("written", csv + ", " + top + ", " + hist);
            return new Summary(headline, f);
        });
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static int[] classes(String arg) {
        String[] parts = arg.split(",");
        int[] c = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            c[i] = Args.wholeNumber("--classes", parts[i].trim(), 0, Integer.MAX_VALUE);
        }
        if (c.length < 2) {
            throw new IllegalArgumentException("--classes " + arg + ": name at least two classes, e.g. 4,9");
        }
        return c;
    }

    /** The CSV and both pictures, rendered first and then written as a whole. */
    private static void write(Path csv, Path top, Path hist, LabelledSet set, double[] fsi, double[] wsi, int[] rank,
            List<String> labels, boolean[] flipped, boolean anyFlipped, Retraining.Truth truth, String model)
            throws IOException {
        List<String> header = new ArrayList<>(List.of("index", "label", "flipped", "fsi_nats", "weight_si_nats", "rank"));
        if (truth != null) {
            header.addAll(List.of("retrained_fsi_nats", "retrained_weight_si_nats"));
        }
        List<List<?>> rows = new ArrayList<>();
        for (int i = 0; i < fsi.length; i++) {
            List<Object> row = new ArrayList<>(List.of(i, labels.get(i), flipped[i], fsi[i], wsi[i], rank[i]));
            if (truth != null) {
                row.add(truth.function()[i]);
                row.add(truth.weights()[i]);
            }
            rows.add(row);
        }
        byte[] table = Csv.format(header, rows).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var topImage = InformationPlots.extremes(model + ": training samples by F-SI", set.features(), fsi, labels,
                anyFlipped ? flipped : null);
        var histImage = InformationPlots.histogram(model + ": F-SI of " + fsi.length + " samples", fsi,
                anyFlipped ? flipped : null);
        Map<Path, AtomicFiles.Writer> files = new LinkedHashMap<>();
        files.put(csv, o -> o.write(table));
        files.put(top, o -> ImageIO.write(topImage, "png", o));
        files.put(hist, o -> ImageIO.write(histImage, "png", o));
        AtomicFiles.writeAll(files);
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
