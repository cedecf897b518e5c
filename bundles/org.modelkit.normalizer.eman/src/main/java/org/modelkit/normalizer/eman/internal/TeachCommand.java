package org.modelkit.normalizer.eman.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.method.Method;
import org.modelkit.api.teach.Paradigm;
import org.modelkit.api.teach.StudentTeacherTrainer;
import org.modelkit.api.teach.TeachRequest;
import org.modelkit.api.teach.TeachResult;
import org.modelkit.compute.api.normalizer.Normalizer;
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
 * {@code modelkit:teach TRAIN TEST}: keeps a fraction of TRAIN's labels (stratified, seeded), treats the
 * rest as unlabelled, runs a student-teacher job and prints the teacher's and student's test accuracy
 * per epoch. TRAIN and TEST are IDX image files (the labels file beside each, "images-idx3" read as
 * "labels-idx1") or CSV files with the label in the last column and square images in the others.
 */
@Component(service = TeachCommand.class)
@GogoCommand(scope = "modelkit", function = "teach")
public class TeachCommand {
    private final BundleContext context;

    /** @param context to find the job service */
    @Activate
    public TeachCommand(BundleContext context) {
        this.context = context;
    }

    /** @return the accuracies per epoch and what was written */
    @Descriptor("student-teacher training (FixMatch or MoCo v2) with an EMAN or BN teacher on an image data set;"
            + " prints test accuracy per epoch")
    public Summary teach(
            @Descriptor("fixmatch (semi-supervised) or moco (self-supervised, evaluated by kNN)")
            @Parameter(names = {"-p", "--paradigm"}, absentValue = "fixmatch") String paradigm,
            @Descriptor("the teacher's normalizer: eman or bn (or any installed Normalizer's name); eman,bn runs both and plots them together")
            @Parameter(names = {"-n", "--normalizer"}, absentValue = "eman") String normalizer,
            @Descriptor("fraction of TRAIN whose labels are kept, per class (at least one per class)")
            @Parameter(names = {"-l", "--labelled"}, absentValue = "0.1") String fractionArg,
            @Descriptor("passes over the unlabelled samples")
            @Parameter(names = {"-e", "--epochs"}, absentValue = "10") String epochsArg,
            @Descriptor("seed for the label split, initialisation, sampling and augmentation")
            @Parameter(names = {"-s", "--seed"}, absentValue = "1") String seedArg,
            @Descriptor("directory for student.params, teacher.params, history.csv and accuracy.png")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out,
            @Descriptor("the StudentTeacherTrainer to run, by name (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = "eman") String method,
            @Descriptor("publish the teacher to the model store as this id and the student as ID-student (of several"
                    + " normalizers, the first)")
            @Parameter(names = {"--publish"}, absentValue = "") String publish,
            @Descriptor("training images: IDX (labels file beside it) or CSV (label last)") String train,
            @Descriptor("test images, same format") String test) throws IOException {
        Methods.find(context, StudentTeacherTrainer.class, "student-teacher trainer", method); // before any work
        Paradigm p = Paradigm.parse(paradigm);
        double fraction = Args.number("--labelled", fractionArg, 0, 1, true);
        int epochs = Args.wholeNumber("--epochs", epochsArg, 1, Integer.MAX_VALUE);
        long seed = Args.longNumber("--seed", seedArg, Long.MIN_VALUE, Long.MAX_VALUE);
        // every argument and the output location are checked before any work: a bad name must not fail
        // after the first normalizer has trained
        List<String> names = Arrays.stream(normalizer.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("--normalizer '" + normalizer + "' names no normalizer");
        }
        Set<String> installed = installedNormalizers();
        List<String> unknown = names.stream().filter(n -> !installed.contains(n)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("--normalizer: no normalizer named " + String.join(", ", unknown)
                    + " is installed; installed: " + (installed.isEmpty() ? "none" : String.join(", ", installed)));
        }
        Path outDir = out.isEmpty() ? null : Path.of(out);
        if (outDir != null) {
            ResultFolders.checkTarget(outDir, "--out '" + out + "'");
        }
        if (!publish.isEmpty()) {
            Models.checkPublish(context, publish);
            Models.checkPublish(context, publish + "-student");
        }
        LabelledSet trainSet = LabelledFiles.read(Path.of(train));
        LabelledSet testSet = LabelledFiles.read(Path.of(test));
        int[][] split = org.modelkit.api.data.Sampling.stratified(trainSet, fraction, seed);
        LabelledSet labelled = trainSet.select(split[0]);
        Tensor unlabelled = split[1].length > 0 ? trainSet.select(split[1]).features() : labelled.features();
        Methods.Held<StudentTeacherTrainer> held = Methods.hold(context, StudentTeacherTrainer.class,
                "student-teacher trainer", method);
        StudentTeacherTrainer job = held.get();
        String acc = p == Paradigm.FIXMATCH ? "accuracy" : "kNN accuracy";
        Map<String, String> f = new LinkedHashMap<>();
        List<String> headlines = new ArrayList<>();
        List<LinePlot.Series> lines = new ArrayList<>();
        // published without --out: the result folder is built in a temporary directory, deleted after
        Path scratch = outDir == null && !publish.isEmpty() ? Files.createTempDirectory("modelkit-teach-") : null;
        if (scratch != null) {
            outDir = scratch.resolve("teach");
        }
        // built in a hidden sibling, published as a whole after the last run (a killed run leaves the old output)
        Path staged = outDir == null ? null : ResultFolders.stage(outDir);
        Map<String, String> props = new LinkedHashMap<>();
        java.time.Instant started = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        boolean published = false;
        try {
            for (String n : names) {
                Path dir = staged == null ? null : names.size() == 1 ? staged : staged.resolve(n);
                TeachRequest request = new TeachRequest(p, n, labelled, unlabelled, testSet, epochs, seed, dir);
                ConsoleProgress progress = new ConsoleProgress(System.out, 250);
                long t0 = System.nanoTime();
                TeachResult r;
                try {
                    r = job.teach(request, progress);
                } finally {
                    progress.finish();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                String tag = names.size() == 1 ? "" : n + ": ";
                f.put(tag + "teacher " + acc + " per epoch", join(r.teacherAccuracy()));
                f.put(tag + "student " + acc + " per epoch", join(r.studentAccuracy()));
                if (p == Paradigm.FIXMATCH) {
                    f.put(tag + "pseudo-labels used per epoch", join(r.maskRate()));
                }
                f.put(tag + "loss per epoch", join(r.loss()));
                if (props.isEmpty()) {
                    props.put("paradigm", p.label());
                    props.put("normalizer", r.normalizer());
                    props.put("epochs", Integer.toString(epochs));
                    props.put("seed", Long.toString(seed));
                    props.put("labelled fraction", fractionArg);
                    props.put("training data", String.valueOf(Path.of(train).getFileName()));
                    props.put("teacher test " + acc, String.format(Locale.ROOT, "%.4f", r.finalTeacherAccuracy()));
                    props.put("student test " + acc, String.format(Locale.ROOT, "%.4f", r.finalStudentAccuracy()));
                }
                if (dir != null && scratch == null) {
                    f.put(tag + "written to", (names.size() == 1 ? outDir : outDir.resolve(n))
                            + " (student.params, teacher.params, history.csv, accuracy.png)");
                }
                headlines.add(String.format(Locale.ROOT, "%s-%s: teacher %.3f, student %.3f (%.1f s)", p.label(),
                        r.normalizer(), r.finalTeacherAccuracy(), r.finalStudentAccuracy(), seconds));
                lines.add(LinePlot.Series.of("teacher (" + n + ")", r.teacherAccuracy(), lines.size() / 2, false));
                lines.add(LinePlot.Series.of("student (" + n + ")", r.studentAccuracy(), lines.size() / 2, true));
                f.put("steps", Long.toString(r.steps()));
                f.put("backend", r.backend());
            }
            f.put("samples", labelled.size() + " labelled, " + unlabelled.dim(0) + " unlabelled, " + testSet.size() + " test");
            if (outDir != null && names.size() > 1) {
                LinePlot.write(staged.resolve("accuracy.png"), p.label() + ", " + labelled.size() + " labels: test " + acc
                        + " per epoch", "epoch", acc, false, lines);
                f.put("comparison plot", outDir.resolve("accuracy.png").toString());
            }
            if (staged != null) {
                ResultFolders.publish(staged, outDir);
                published = true;
            }
            if (!publish.isEmpty()) {
                Path first = names.size() == 1 ? outDir : outDir.resolve(names.get(0));
                String creator = job.descriptor().name() + " " + job.descriptor().version();
                Map<String, String> asTeacher = new LinkedHashMap<>();
                asTeacher.put("teacher.params", "parameters.params");
                asTeacher.put("student.params", null);
                asTeacher.put(ResultFolders.MANIFEST, null);
                StoredModel teacher = Models.publish(context, publish, null, creator, with(props, "role", "teacher"),
                        Models.copying(first, asTeacher));
                Map<String, String> asStudent = new LinkedHashMap<>();
                asStudent.put("student.params", "parameters.params");
                asStudent.put("teacher.params", null);
                asStudent.put(ResultFolders.MANIFEST, null);
                Map<String, String> sp = with(props, "role", "student");
                sp.put("teacher", teacher.handle().toString());
                StoredModel student = Models.publish(context, publish + "-student", null, creator, sp,
                        Models.copying(first, asStudent));
                f.put("published", "teacher " + teacher.handle() + ", student " + student.handle()
                        + (teacher.created().isBefore(started) && student.created().isBefore(started)
                        ? " (the files are those of these earlier versions, so no new ones)" : ""));
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
        String headline = "test " + acc + " after " + epochs + " epochs with " + labelled.size() + " labels: "
                + String.join("; ", headlines);
        return new Summary(headline, f);
    }

    /** The names of the installed {@link Normalizer} services. */
    private Set<String> installedNormalizers() {
        try {
            Set<String> out = new TreeSet<>();
            for (ServiceReference<Normalizer> r : context.getServiceReferences(Normalizer.class, null)) {
                Object n = r.getProperty(Normalizer.NAME_PROPERTY);
                if (n != null) {
                    out.add(n.toString());
                }
            }
            return out;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new LinkedHashMap<>(m);
        out.put(k, v);
        return out;
    }

    private static String join(double[] v) {
        List<String> s = new ArrayList<>();
        for (double x : v) {
            s.add(String.format(Locale.ROOT, "%.3f", x));
        }
        return String.join(" ", s);
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
