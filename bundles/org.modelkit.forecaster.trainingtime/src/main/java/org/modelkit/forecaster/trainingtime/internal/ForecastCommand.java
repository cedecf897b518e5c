package org.modelkit.forecaster.trainingtime.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.trainingtime.TrainingPlan;
import org.modelkit.api.trainingtime.TrainingTimePredictor;
import org.modelkit.io.Csv;
import org.modelkit.io.LabelledFiles;
import org.modelkit.io.LinePlot;
import org.modelkit.io.ResultFolders;
import org.modelkit.nn.Training;
import org.modelkit.shell.format.Args;
import org.modelkit.shell.format.ConsoleProgress;
import org.modelkit.shell.format.Methods;
import org.modelkit.shell.format.Models;
import org.modelkit.shell.format.Summary;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code modelkit:forecast}: predicts the loss curve of fine-tuning a model and the steps to a target,
 * optionally runs the training for real and compares; writes forecast.csv and forecast.png as one folder.
 */
@Component(service = ForecastCommand.class)
@GogoCommand(scope = "modelkit", function = {"forecast"})
public class ForecastCommand {
    private final BundleContext context;

    /** @param context to find the predictor and the model store */
    @Activate
    public ForecastCommand(BundleContext context) {
        this.context = context;
    }

    /** @return the predicted steps to the targets, milestones and, with --actual, the comparison */
    @Descriptor("predict how many steps fine-tuning takes to reach a loss, without training (arXiv:2008.12478)")
    public Summary forecast(
            @Descriptor("the TrainingTimePredictor to run, by name (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = "training-time") String method,
            @Descriptor("optimiser steps of the plan")
            @Parameter(names = {"-n", "--steps"}, absentValue = "1000") String stepsArg,
            @Descriptor("learning rate η")
            @Parameter(names = {"--lr"}, absentValue = "0.01") String lrArg,
            @Descriptor("heavy-ball momentum m in [0, 1)")
            @Parameter(names = {"--momentum"}, absentValue = "0") String momentumArg,
            @Descriptor("samples per step (default: all, full-batch gradient descent)")
            @Parameter(names = {"--batch"}, absentValue = "0") String batchArg,
            @Descriptor("weight decay ω (towards 0)")
            @Parameter(names = {"--weight-decay"}, absentValue = "0") String decayArg,
            @Descriptor("the target as a fraction ε of the starting loss: T(ε) = first step with L ≤ ε·L0")
            @Parameter(names = {"--target"}, absentValue = "0.1") String targetArg,
            @Descriptor("fine-tune a new head with this many outputs (standard initialisation, seeded); 0 keeps the model's")
            @Parameter(names = {"--new-head"}, absentValue = "0") String headArg,
            @Descriptor("predict from a seeded subset of this many samples (default: the configuration's)")
            @Parameter(names = {"--subset"}, absentValue = "-1") String subsetArg,
            @Descriptor("random gradient coordinates kept per tensor (default: the configuration's)")
            @Parameter(names = {"--projection"}, absentValue = "-1") String projectionArg,
            @Descriptor("also run the training for real from the same start, and the linearized model step by step, and compare")
            @Parameter(names = {"--actual"}, absentValue = "false", presentValue = "true") String actualArg,
            @Descriptor("seed of the new head, the subset and the real run's batches")
            @Parameter(names = {"--seed"}, absentValue = "1") String seedArg,
            @Descriptor("folder for forecast.csv and forecast.png, written as a whole")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out,
            @Descriptor("the pre-trained model: a stored model (id or id@version) or a folder (model.json, parameters.params)")
            String model,
            @Descriptor("the training samples: CSV with the label last, or IDX") String train) throws IOException {
        Methods.find(context, TrainingTimePredictor.class, "training-time predictor", method); // before any work
        int steps = Args.wholeNumber("--steps", stepsArg, 1, 10_000_000);
        double lr = Args.number("--lr", lrArg, 0, Double.MAX_VALUE, true);
        double momentum = Args.number("--momentum", momentumArg, 0, 0.999999, false);
        int batch = Args.wholeNumber("--batch", batchArg, 0, Integer.MAX_VALUE);
        double decay = Args.number("--weight-decay", decayArg, 0, Double.MAX_VALUE, false);
        double eps = Args.number("--target", targetArg, 0, 1, true);
        int head = Args.wholeNumber("--new-head", headArg, 0, 100_000);
        int subset = Args.wholeNumber("--subset", subsetArg, -1, Integer.MAX_VALUE);
        int projection = Args.wholeNumber("--projection", projectionArg, -1, Integer.MAX_VALUE);
        boolean actual = Args.flag("--actual", actualArg);
        long seed = Args.longNumber("--seed", seedArg, Long.MIN_VALUE, Long.MAX_VALUE);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("-o DIR is missing: the folder for forecast.csv and forecast.png");
        }
        Path outDir = Path.of(out);
        ResultFolders.checkTarget(outDir, "-o '" + out + "'");
        Models.Resolved source = Models.resolve(context, model);
        LabelledSet set = LabelledFiles.read(Path.of(train));
        int b = batch == 0 ? set.size() : batch;
        TrainingPlan plan = new TrainingPlan(steps, b, lr, momentum, decay, 0);
        return Methods.using(context, TrainingTimePredictor.class,
                "training-time predictor", method, held -> {
            if (!(held.get() instanceof TrainingTimeJob job)) {
                throw new IllegalArgumentException("method '" + method + "' is not the training-time predictor of this bundle;"
                        + " modelkit:forecast needs its model folders and real runs");
            }
            ForecastConfig c = job.config();
            Forecasting.Options base = TrainingTimeJob.options(c, head, seed);
            Forecasting.Options o = new Forecasting.Options(head, seed, subset >= 0 ? subset : base.subset(),
                    projection >= 0 ? projection : base.projection(), base.momentum(), base.noise(), base.alpha(), base.maxRows());
            ConsoleProgress progress = new ConsoleProgress(System.out, 250);
            Forecasting.Result r;
            Training.MseReport real = null;
            double[] linear = null;
            double trainSeconds = 0;
            try {
                r = job.predict(source.path(), set, plan, o, progress);
                if (actual) {
                    long t0 = System.nanoTime();
                    real = job.actual(source.path(), set, plan, o, progress);
                    trainSeconds = (System.nanoTime() - t0) / 1e9;
                    linear = job.simulate(source.path(), set, plan, o, progress);
                }
            } finally {
                progress.finish();
            }
            double[] loss = r.forecast().loss();
            double[] acc = r.forecast().accuracy();
            Map<String, String> f = new LinkedHashMap<>();
            f.put("model", source.label() + (head > 0 ? ", new head of " + head + " outputs (seed " + seed + ")" : ""));
            f.put("plan", String.format(Locale.ROOT, "%,d steps, η %s, momentum %s, batch %d of %d, weight decay %s", steps, lr,
                    momentum, b, set.size(), decay));
            f.put("linearized", String.format(Locale.ROOT, "%,d parameters; Θ from %d samples x %d outputs%s; λ_max %.4g,"
                    + " stable for η < %.4g", r.parameters(), r.samples(), r.outputs(), o.projection() > 0 ? ", "
                    + o.projection() + " coordinates per tensor" : "", r.dynamics().largestEigenvalue(),
                    r.dynamics().largestStableRate(plan, o.momentum())));
            List<String> targets = new ArrayList<>();
            for (double e : targetsWith(eps)) {
                int p = Forecasting.firstAtOrBelow(loss, e * loss[0]);
                String line = p < 0 ? "not reached in " + steps + " steps" : p + " steps";
                if (real != null) {
                    int a = Forecasting.firstAtOrBelow(real.loss(), e * real.loss()[0]);
                    line += a < 0 ? "; actual: not reached" : String.format(Locale.ROOT, "; actual %d (%s)", a,
                            p < 0 ? "-" : String.format(Locale.ROOT, "%+.0f%%", 100.0 * (p - a) / a));
                }
                f.put(String.format(Locale.ROOT, "T(%s)", e), line);
                if (e == eps) {
                    targets.add(p < 0 ? "not reached" : p + " steps");
                }
            }
            StringBuilder milestones = new StringBuilder();
            for (int k = 0; k <= 4; k++) {
                int t = (int) Math.round((double) steps * k / 4);
                milestones.append(String.format(Locale.ROOT, "%s%d: %.4g (acc %.3f)", k == 0 ? "" : ", ", t, loss[t], acc[t]));
            }
            f.put("predicted loss", milestones.toString());
            if (real != null) {
                StringBuilder m = new StringBuilder();
                for (int k = 0; k <= 4; k++) {
                    int t = (int) Math.round((double) steps * k / 4);
                    m.append(String.format(Locale.ROOT, "%s%d: %.4g (acc %.3f)", k == 0 ? "" : ", ", t, real.loss()[t],
                            real.accuracy()[t]));
                }
                f.put("actual loss", m.toString());
                f.put("cost", String.format(Locale.ROOT, "training %.2f s, prediction %.2f s: %.1fx", trainSeconds, r.seconds(),
                        trainSeconds / r.seconds()));
            } else {
                f.put("prediction time", String.format(Locale.ROOT, "%.2f s", r.seconds()));
            }
            if (linear != null) {
                int at = Forecasting.firstAtOrBelow(linear, eps * linear[0]);
                f.put("linearized model", String.format(Locale.ROOT, "trained step by step: T(%s) = %s, loss %.4g after %,d steps",
                        eps, at < 0 ? "not reached" : Integer.toString(at), linear[linear.length - 1], steps));
            }
            write(outDir, r, real, linear, plan, source.label());
            f.put("written", outDir.resolve("forecast.csv") + ", " + outDir.resolve("forecast.png"));
            return new Summary(String.format(Locale.ROOT, "predicted T(%s) = %s (loss %.4g -> %.4g after %,d steps)", eps,
                    targets.get(0), loss[0], loss[loss.length - 1], steps), f);
        });
    }

    private static double[] targetsWith(double eps) {
        List<Double> t = new ArrayList<>(List.of(eps));
        for (double e : new double[] {0.3, 0.1, 0.05}) {
            if (e != eps) {
                t.add(e);
            }
        }
        return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** forecast.csv and forecast.png, built in a hidden sibling and renamed into place. */
    private static void write(Path outDir, Forecasting.Result r, Training.MseReport real, double[] linear, TrainingPlan plan,
            String label) throws IOException {
        double[] loss = r.forecast().loss();
        double[] acc = r.forecast().accuracy();
        List<String> header = new ArrayList<>(List.of("step", "predicted_loss", "predicted_accuracy"));
        if (real != null) {
            header.addAll(List.of("actual_loss", "actual_accuracy", "linearized_loss"));
        }
        List<List<?>> rows = new ArrayList<>();
        for (int t = 0; t < loss.length; t++) {
            List<Object> row = new ArrayList<>(List.of(t, loss[t], acc[t]));
            if (real != null) {
                row.add(real.loss()[t]);
                row.add(real.accuracy()[t]);
                row.add(linear[t]);
            }
            rows.add(row);
        }
        ResultFolders.write(outDir, staged -> {
            Csv.writeRows(staged.resolve("forecast.csv"), header, rows);
            List<LinePlot.Series> lines = new ArrayList<>();
            lines.add(LinePlot.Series.of("predicted (linearized)", loss, 0, true));
            if (real != null) {
                lines.add(LinePlot.Series.of("actual fine-tuning", real.loss(), 1, false));
                lines.add(LinePlot.Series.of("linearized model, step by step", linear, 2, true));
            }
            LinePlot.write(staged.resolve("forecast.png"), String.format(Locale.ROOT, "%s: training loss, η %s, momentum %s,"
                    + " batch %d", label, plan.learningRate(), plan.momentum(), plan.batchSize()), "step", "loss", true,
                    lines);
        });
    }
}
