package org.modelkit.forgetter.mixedprivacy.internal;

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
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.forget.ForgetRequest;
import org.modelkit.api.forget.ForgetResult;
import org.modelkit.api.forget.Forgetter;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.io.LabelledFiles;
import org.modelkit.shell.format.Args;
import org.modelkit.shell.format.ConsoleProgress;
import org.modelkit.shell.format.Methods;
import org.modelkit.shell.format.Models;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.TextTable;
import org.modelkit.shell.format.Usage;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.apache.felix.service.command.annotations.GogoCommand;

/**
 * {@code modelkit:forgettable}, {@code modelkit:forget} and {@code modelkit:forgetlog}: train a
 * forgettable model from a stored core model, forget user samples from it, read and verify the audit log.
 */
@Component(service = ForgetCommands.class)
@GogoCommand(scope = "modelkit", function = {"forgettable", "forget", "forgetlog"})
public class ForgetCommands {
    private final BundleContext context;

    /** @param context to find the forgetter and the model store */
    @Activate
    public ForgetCommands(BundleContext context) {
        this.context = context;
    }

    /** @return the published model and its accuracies */
    @Descriptor("mixed-privacy forgetting: train user weights on top of a stored core model and publish a forgettable model")
    public Summary forgettable(
            @Descriptor("the Forgetter to run, by name (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = "mixed-privacy") String method,
            @Descriptor("the id to publish it as (default: the core's id + '-mp')")
            @Parameter(names = {"--id"}, absentValue = "") String idArg,
            @Descriptor("labelled test samples for the accuracies (CSV with the label last, or IDX)")
            @Parameter(names = {"--test"}, absentValue = "") String test,
            @Descriptor("the core model: a stored model (id or id@version), trained on the core data") String core,
            @Descriptor("the user samples (CSV with the label last, or IDX); each can be forgotten later") String user)
            throws IOException {
        Methods.find(context, Forgetter.class, "forgetter", method); // before any work
        ModelHandle coreHandle = stored(core, "CORE");
        String id = idArg.isEmpty() ? coreHandle.id() + "-mp" : idArg;
        ModelHandle.checkId(id);
        LabelledSet userSet = LabelledFiles.read(Path.of(user));
        LabelledSet testSet = test.isEmpty() ? null : LabelledFiles.read(Path.of(test));
        ConsoleProgress progress = new ConsoleProgress(System.out, 250);
        ForgetResult r;
        try {
            r = Methods.call(context, Forgetter.class, "forgetter", method, f -> f.train(coreHandle, userSet, id, progress));
        } finally {
            progress.finish();
        }
        Map<String, String> f = new LinkedHashMap<>();
        String accuracies = "";
        if (testSet != null) {
            double coreAcc = testSet.accuracy(Methods.call(context, Forgetter.class, "forgetter", method,
                    x -> coreOnly(x, coreHandle, testSet)));
            double mixed = testSet.accuracy(Methods.call(context, Forgetter.class, "forgetter", method,
                    x -> x.predict(r.model(), testSet.features())));
            f.put("test accuracy", String.format(Locale.ROOT, "core %.4f, mixed %.4f (%d samples)", coreAcc, mixed,
                    testSet.size()));
            accuracies = String.format(Locale.ROOT, "test accuracy core %.3f, mixed %.3f; ", coreAcc, mixed);
        }
        f.put("user accuracy", String.format(Locale.ROOT, "%.4f (core alone %.4f)", r.metrics().get("user accuracy"),
                r.metrics().get("core user accuracy")));
        f.put("user weights", String.format(Locale.ROOT, "%,d (the last layers, linearized)", r.metrics().get("user weights")
                .longValue()));
        f.put("training", String.format(Locale.ROOT, "%d epochs of SGD with momentum, step %.3g, final loss %.4g",
                r.metrics().get("epochs").intValue(), r.metrics().get("learning rate"), r.metrics().get("final loss")));
        f.put("published", r.model() + " (parent " + coreHandle + ")");
        return new Summary(String.format(Locale.ROOT, "%s from %s and %d user samples: %s%,d user weights, %.1f s", r.model(),
                coreHandle, userSet.size(), accuracies, r.metrics().get("user weights").longValue(), r.metrics().get("seconds")), f);
    }

    /** The core model's predictions: the forgetter's model with user weights 0 is not at hand, so its own forward. */
    private static int[] coreOnly(Forgetter f, ModelHandle core, LabelledSet set) {
        if (f instanceof ForgetJob job) {
            return job.predictCore(core, set.features());
        }
        throw new IllegalArgumentException("--test needs the mixed-privacy forgetter to score the core model");
    }

    /** @return the new version, the certificate and the readouts */
    @Descriptor("forget user samples from a forgettable model: a new version, current, the old one retired; prints the"
            + " bound on the information left and accuracies")
    public Summary forget(
            @Descriptor("the Forgetter to run, by name (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = "mixed-privacy") String method,
            @Descriptor("sample ids (rows of USERDATA, from 0), comma-separated")
            @Parameter(names = {"--samples"}, absentValue = "") String samples,
            @Descriptor("every sample of this class")
            @Parameter(names = {"--class"}, absentValue = "") String classArg,
            @Descriptor("a file of sample ids (comma-, space- or line-separated)")
            @Parameter(names = {"--samples-from"}, absentValue = "") String samplesFrom,
            @Descriptor("every user sample: the user weights become 0, the core model's behaviour")
            @Parameter(names = {"--all"}, absentValue = "false", presentValue = "true") String allArg,
            @Descriptor("who asks, for the audit log")
            @Parameter(names = {"--by"}, absentValue = "") String by,
            @Descriptor("delete the previous version's files at once (it stays listed, purged)")
            @Parameter(names = {"--purge"}, absentValue = "false", presentValue = "true") String purgeArg,
            @Descriptor("labelled test samples for a test accuracy")
            @Parameter(names = {"--test"}, absentValue = "") String test,
            @Descriptor("the forgettable model: a stored model (id for its current version)") String model,
            @Descriptor("the user samples it was trained on (the same file)") String user) throws IOException {
        Methods.find(context, Forgetter.class, "forgetter", method);
        boolean all = Args.flag("--all", allArg);
        boolean purge = Args.flag("--purge", purgeArg);
        int chosen = (samples.isEmpty() ? 0 : 1) + (classArg.isEmpty() ? 0 : 1) + (samplesFrom.isEmpty() ? 0 : 1) + (all ? 1 : 0);
        if (chosen != 1) {
            throw new IllegalArgumentException("forget: give exactly one of --samples, --class, --samples-from and --all"
                    + " (got " + chosen + ")");
        }
        ModelHandle handle = stored(model, "MODEL");
        LabelledSet userSet = LabelledFiles.read(Path.of(user));
        LabelledSet testSet = test.isEmpty() ? null : LabelledFiles.read(Path.of(test));
        ForgetRequest request;
        int[] ids = new int[0];
        if (all) {
            request = ForgetRequest.everything(handle);
        } else {
            if (!samples.isEmpty()) {
                ids = ids("--samples", samples);
            } else if (!samplesFrom.isEmpty()) {
                Path f = Path.of(samplesFrom);
                if (!Files.isRegularFile(f)) {
                    throw new IllegalArgumentException("--samples-from: no file '" + samplesFrom + "'");
                }
                ids = ids("--samples-from " + samplesFrom, Files.readString(f));
            } else {
                int c = Args.wholeNumber("--class", classArg, 0, Integer.MAX_VALUE);
                List<Integer> rows = new ArrayList<>();
                for (int i = 0; i < userSet.size(); i++) {
                    if (userSet.label(i) == c) {
                        rows.add(i);
                    }
                }
                if (rows.isEmpty()) {
                    throw new IllegalArgumentException("--class " + c + ": no user sample has that label");
                }
                ids = rows.stream().mapToInt(Integer::intValue).toArray();
            }
            request = ForgetRequest.of(handle, userSet, ids);
        }
        ForgetRequest req = request.by(by).purging(purge);
        ConsoleProgress progress = new ConsoleProgress(System.out, 250);
        ForgetResult r;
        try {
            r = Methods.call(context, Forgetter.class, "forgetter", method, f -> f.forget(req, progress));
        } finally {
            progress.finish();
        }
        Map<String, Double> m = r.metrics();
        Map<String, String> f = new LinkedHashMap<>();
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%s -> %s: forgot %d samples", handle, r.model(),
                m.get("forgotten").intValue()));
        if (m.containsKey("cg iterations")) {
            head.append(String.format(Locale.ROOT, ", %d CG iterations", m.get("cg iterations").intValue()));
        }
        head.append(String.format(Locale.ROOT, ", %.1f s; remaining information <= %.3g nats (running %.3g)",
                m.get("seconds"), r.remainingInformationNats(), m.get("running bound nats")));
        List<String> acc = new ArrayList<>();
        if (m.containsKey("accuracy retained")) {
            acc.add(String.format(Locale.ROOT, "retained %.3f", m.get("accuracy retained")));
            acc.add(String.format(Locale.ROOT, "forgotten %.3f", m.get("accuracy forgotten")));
            f.put("accuracy on the forgotten samples", String.format(Locale.ROOT, "%.4f before, %.4f after",
                    m.get("accuracy forgotten before"), m.get("accuracy forgotten")));
        }
        if (testSet != null) {
            double t = testSet.accuracy(Methods.call(context, Forgetter.class, "forgetter", method,
                    x -> x.predict(r.model(), testSet.features())));
            acc.add(String.format(Locale.ROOT, "test %.3f", t));
        }
        if (!acc.isEmpty()) {
            head.append("; accuracy ").append(String.join(", ", acc));
        }
        if (m.containsKey("cg residual")) {
            f.put("solve", String.format(Locale.ROOT, "%d conjugate-gradient iterations, relative residual %.2e, ‖∇L_r(w̃)‖ %.3e",
                    m.get("cg iterations").intValue(), m.get("cg residual"), m.get("gradient norm")));
        }
        f.put("certificate", String.format(Locale.ROOT, "KL <= ‖∇L_r(w̃)‖²/(2σ²λ²) = %.4g nats; running %.4g nats",
                r.remainingInformationNats(), m.get("running bound nats")));
        f.put("versions", r.model() + " is current; " + handle + (purge ? " is purged (its metadata stays)"
                : " is retired: no longer current, still retrievable by handle until purged"));
        return new Summary(head.toString(), f);
    }

    /** @return the log's lines, or its verification, or every log */
    @Descriptor("the forgetter's audit log: every model's, or one model's lines; --verify checks the hash chain")
    public Object forgetlog(
            @Descriptor("check that every line chains to the one before it (fails naming the line otherwise)")
            @Parameter(names = {"--verify"}, absentValue = "false", presentValue = "true") String verifyArg,
            @Descriptor("a model id (empty: every model that has a log)") String... ids) throws IOException {
        boolean verify = Args.flag("--verify", verifyArg);
        ForgetJob job = Methods.call(context, Forgetter.class, "forgetter", "mixed-privacy", f -> (ForgetJob) f);
        AuditLog log = job.audit();
        if (ids.length > 1) {
            throw new IllegalArgumentException("forgetlog: give at most one model id");
        }
        if (ids.length == 0) {
            List<List<String>> rows = new ArrayList<>();
            for (String id : log.ids()) {
                AuditLog.Verification v = log.verify(id);
                rows.add(List.of(id, Integer.toString(v.lines()), v.ok() ? (v.problems().isEmpty() ? "intact" : "intact, "
                        + v.problems().size() + " torn") : "BROKEN", v.head().substring(0, 16) + "…", log.file(id).toString()));
            }
            return new TextTable(List.of("ID", "LINES", "CHAIN", "HEAD", "FILE"), rows);
        }
        String id = ids[0];
        if (verify) {
            AuditLog.Verification v = log.verify(id);
            if (!v.ok()) {
                throw new IllegalStateException(log.file(id) + ": the hash chain is broken: " + String.join("; ", v.problems()));
            }
            Map<String, String> f = new LinkedHashMap<>();
            f.put("file", log.file(id).toString());
            f.put("head", v.head() + " (keep it elsewhere: an edit of the last line shows only against it)");
            for (String p : v.problems()) {
                f.put("note", p);
            }
            return new Summary(String.format(Locale.ROOT, "%s: %d lines, every one chained to the one before it", id,
                    v.lines()), f);
        }
        List<List<String>> rows = new ArrayList<>();
        for (AuditLog.Entry e : log.read(id)) {
            rows.add(List.of(e.time(), e.request().substring(0, 8), e.kind(), e.event(), blank(e.requester()), blank(e.model()),
                    blank(e.output()), e.samples() == null ? "-" : Integer.toString(e.samples().size()),
                    e.bound() == null ? "-" : String.format(Locale.ROOT, "%.3g", e.bound()),
                    e.runningBound() == null ? "-" : String.format(Locale.ROOT, "%.3g", e.runningBound()), blank(e.reason())));
        }
        return new TextTable(List.of("TIME", "REQUEST", "KIND", "EVENT", "BY", "MODEL", "OUTPUT", "SAMPLES", "BOUND", "RUNNING",
                "REASON"), rows);
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private ModelHandle stored(String word, String what) {
        Models.Resolved r = Models.resolve(context, word);
        if (r.stored() == null) {
            throw new IllegalArgumentException(what + " '" + word + "' is a path; the forgetter works on stored models:"
                    + " modelkit:model import " + word + " first");
        }
        return r.handle();
    }

    private static int[] ids(String option, String text) {
        String[] parts = text.trim().split("[,\\s]+");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Args.wholeNumber(option, parts[i], 0, Integer.MAX_VALUE);
        }
        return out;
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
