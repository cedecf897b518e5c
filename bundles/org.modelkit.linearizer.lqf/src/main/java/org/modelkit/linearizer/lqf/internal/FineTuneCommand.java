package org.modelkit.linearizer.lqf.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.finetune.FineTuneRequest;
import org.modelkit.api.finetune.FineTuneResult;
import org.modelkit.api.finetune.FineTuner;
import org.modelkit.api.finetune.Solver;
import org.modelkit.api.method.Method;
import org.modelkit.io.LabelledFiles;
import org.modelkit.io.LinePlot;
import org.modelkit.io.ResultFolders;
import org.modelkit.shell.format.ConsoleProgress;
import org.modelkit.shell.format.Methods;
import org.modelkit.shell.format.Models;
import org.modelkit.api.model.StoredModel;
import org.modelkit.shell.format.Args;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.Usage;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Component;

/**
 * {@code modelkit:finetune MODEL TRAIN TEST}: draws a few labelled samples per class from TRAIN
 * (seeded), fine-tunes the pre-trained model directory MODEL with LQF, and prints the test accuracy
 * against the linear-probe baseline and how fast the loss fell; with {@code -s kfac,gd} both solvers
 * run and a plot of the loss per step compares them.
 */
@Component(service = FineTuneCommand.class)
@GogoCommand(scope = "modelkit", function = {"finetune", "finetuned"})
public class FineTuneCommand {
    private final BundleContext context;

    /** @param context to find the job service */
    @Activate
    public FineTuneCommand(BundleContext context) {
        this.context = context;
    }

    /** @return the accuracies, the loss and what was written */
    @Descriptor("LQF: fine-tune a pre-trained model on a few labelled samples per class through its linearization;"
            + " prints test accuracy against a linear probe")
    public Summary finetune(
            @Descriptor("kfac or gd, or kfac,gd to compare them (the model is saved from the first)")
            @Parameter(names = {"-s", "--solver"}, absentValue = "kfac") String solver,
            @Descriptor("optimiser steps")
            @Parameter(names = {"-n", "--steps"}, absentValue = "20") String stepsArg,
            @Descriptor("how many of the last layers with parameters are linearized (0: all)")
            @Parameter(names = {"-k", "--layers"}, absentValue = "0") String layersArg,
            @Descriptor("labelled training samples per class, drawn from TRAIN")
            @Parameter(names = {"--shots"}, absentValue = "10") String shotsArg,
            @Descriptor("seed for the draw and the new head")
            @Parameter(names = {"--seed"}, absentValue = "1") String seedArg,
            @Descriptor("directory for the fine-tuned model and loss.png")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out,
            @Descriptor("the FineTuner to run, by name (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = "lqf") String method,
            @Descriptor("publish the fine-tuned model to the model store as this id (its parent: MODEL, if stored)")
            @Parameter(names = {"--publish"}, absentValue = "") String publish,
            @Descriptor("the pre-trained model: a stored model (id or id@version) or a directory (model.json, parameters.params)") String model,
            @Descriptor("training images: IDX (labels beside it) or CSV (label last)") String train,
            @Descriptor("test images, same format") String test) throws IOException {
        Methods.find(context, FineTuner.class, "fine-tuner", method); // before any work
        int steps = Args.wholeNumber("--steps", stepsArg, 1, Integer.MAX_VALUE);
        int layers = Args.wholeNumber("--layers", layersArg, 0, Integer.MAX_VALUE);
        int shots = Args.wholeNumber("--shots", shotsArg, 1, Integer.MAX_VALUE);
        long seed = Args.longNumber("--seed", seedArg, Long.MIN_VALUE, Long.MAX_VALUE);
        List<Solver> solvers = Arrays.stream(solver.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Solver::parse).toList();
        if (solvers.isEmpty()) {
            throw new IllegalArgumentException("--solver '" + solver + "' names no solver");
        }
        Path outDir = out.isEmpty() ? null : Path.of(out);
        if (outDir != null) {
            ResultFolders.checkTarget(outDir, "--out '" + out + "'");
        }
        if (!publish.isEmpty()) {
            Models.checkPublish(context, publish);
        }
        Models.Resolved source = Models.resolve(context, model); // a stored model is verified here
        LabelledSet all = LabelledFiles.read(Path.of(train));
        LabelledSet testSet = LabelledFiles.read(Path.of(test));
        LabelledSet few = org.modelkit.api.data.Sampling.perClass(all, shots, seed);
        Methods.Held<FineTuner> held = Methods.hold(context, FineTuner.class, "fine-tuner", method);
        FineTuner tuner = held.get();
        Map<String, String> f = new LinkedHashMap<>();
        Map<String, String> props = new LinkedHashMap<>();
        java.time.Instant started = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        List<String> headlines = new ArrayList<>();
        List<LinePlot.Series> lines = new ArrayList<>();
        // the model and the plot are built in a hidden sibling and published as a whole: a killed or
        // failed run leaves the earlier result as it was, never a mixture of both
        // published without --out: the result folder is built in a temporary directory, deleted after
        Path scratch = outDir == null && !publish.isEmpty() ? Files.createTempDirectory("modelkit-finetune-") : null;
        if (scratch != null) {
            outDir = scratch.resolve("lqf");
        }
        Path staged = outDir == null ? null : ResultFolders.stage(outDir);
        boolean published = false;
        try {
            for (int i = 0; i < solvers.size(); i++) {
                Solver s = solvers.get(i);
                ConsoleProgress progress = new ConsoleProgress(System.out, 250);
                long t0 = System.nanoTime();
                FineTuneResult r;
                try {
                    r = tuner.fineTune(new FineTuneRequest(source.path(), few, testSet, s, steps, layers, seed,
                            i == 0 ? staged : null), progress);
                } finally {
                    progress.finish();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double[] loss = r.loss();
                int toTenth = r.stepsToFraction(0.1);
                headlines.add(String.format(Locale.ROOT, "LQF-%s %.3f (%.1f s)", s.label(), r.testAccuracy(), seconds));
                f.put(s.label() + ": loss", String.format(Locale.ROOT, "%.4g at the start, %.4g after %d steps; 10%% of the"
                        + " start after %s", loss[0], loss[loss.length - 1], steps, toTenth < 0 ? "more steps" : toTenth + " steps"));
                f.put(s.label() + ": train accuracy", String.format(Locale.ROOT, "%.3f", r.trainAccuracy()));
                if (i == 0) {
                    f.put("linear probe test accuracy", String.format(Locale.ROOT, "%.3f", r.probeTestAccuracy()));
                    f.put("linearized parameters", Long.toString(r.linearizedParameters()));
                    f.put("backend", r.backend());
                    props.put("test accuracy", String.format(Locale.ROOT, "%.4f", r.testAccuracy()));
                    props.put("linear probe test accuracy", String.format(Locale.ROOT, "%.4f", r.probeTestAccuracy()));
                    props.put("solver", s.label());
                    if (outDir != null && scratch == null) {
                        f.put("fine-tuned model", outDir + " (model.json, parameters.params, delta.params, lqf.json)");
                    }
                }
                double[] x = new double[loss.length];
                for (int k = 0; k < x.length; k++) {
                    x[k] = k;
                }
                lines.add(new LinePlot.Series(s == Solver.KFAC ? "K-FAC" : "gradient descent", x, loss,
                        i, false));
            }
            f.put("samples", few.size() + " labelled (" + shots + " per class), " + testSet.size() + " test");
            if (outDir != null) {
                LinePlot.write(staged.resolve("loss.png"), "LQF on " + Path.of(train).getFileName() + ", " + shots
                        + " shots per class: loss per step", "step", "loss", true, lines);
                ResultFolders.publish(staged, outDir);
                published = true;
                if (scratch == null) {
                    f.put("plot", outDir.resolve("loss.png").toString());
                }
            }
            if (!publish.isEmpty()) {
                props.put("steps", Integer.toString(steps));
                props.put("shots per class", Integer.toString(shots));
                props.put("seed", Long.toString(seed));
                props.put("training data", String.valueOf(Path.of(train).getFileName()));
                props.put("kind", "lqf fine-tuned (w0 + delta; modelkit:finetuned runs it)");
                StoredModel v = Models.publish(context, publish, source.handle(), tuner.descriptor().name() + " "
                        + tuner.descriptor().version(), props, Models.copying(outDir, Map.of()));
                f.put("published", v.handle() + (source.handle() == null ? "" : " (parent " + source.handle() + ")")
                        + ", sha256 " + v.digest().substring(0, 12) + "…" + (v.created().isBefore(started)
                        ? "; the files are those of this earlier version, so no new one" : ""));
            }
        } catch (Throwable t) {
            held.failed(t); // modelkit:stats counts it as failed or cancelled
            throw t;
        } finally {
            held.close();
            if (staged != null && !published) {
                ResultFolders.discard(staged);
            }
            if (scratch != null) {
                ResultFolders.discard(scratch);
            }
        }
        return new Summary("test accuracy: " + String.join(", ", headlines) + String.format(Locale.ROOT,
                "; linear probe %s", f.get("linear probe test accuracy")), f);
    }

    /** @return the accuracy of a fine-tuned model directory on a labelled data set */
    @Descriptor("predict with a model directory written by modelkit:finetune (f0 + J·(w - w0)) and print its accuracy")
    public Summary finetuned(
            @Descriptor("the FineTuner that wrote the model, by name")
            @Parameter(names = {"-m", "--method"}, absentValue = "lqf") String method,
            @Descriptor("the fine-tuned model: a stored model (--publish of modelkit:finetune) or its directory (-o)") String model,
            @Descriptor("images: IDX (labels beside it) or CSV (label last)") String data) throws IOException {
        Methods.find(context, FineTuner.class, "fine-tuner", method); // before reading the data
        Models.Resolved source = Models.resolve(context, model);
        LabelledSet set = LabelledFiles.read(Path.of(data));
        long t0 = System.nanoTime();
        int[] p = Methods.call(context, FineTuner.class, "fine-tuner", method, t -> t.predict(source.path(), set.features()));
        Map<String, String> f = new LinkedHashMap<>();
        f.put("model", source.stored() == null ? model : source.handle() + " (" + source.path() + ")");
        f.put("samples", Integer.toString(p.length));
        return new Summary(String.format(Locale.ROOT, "%s on %d samples: accuracy %.4f in %.2f s", source.label(),
                p.length, set.accuracy(p), (System.nanoTime() - t0) / 1e9), f);
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
