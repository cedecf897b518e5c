package org.modelkit.classifier.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.modelkit.api.classify.Classification;
import org.modelkit.api.classify.Classifier;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.method.Method;
import org.modelkit.io.LabelledFiles;
import org.modelkit.shell.format.ConsoleProgress;
import org.modelkit.shell.format.Methods;
import org.modelkit.shell.format.Models;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.Usage;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Component;

/**
 * {@code modelkit:classify MODEL DATA}: runs a trained classifier on a labelled data set on the backend
 * method "classify" is bound to, and prints the accuracy per class and overall.
 */
@Component(service = ClassifyCommand.class)
@GogoCommand(scope = "modelkit", function = "classify")
public class ClassifyCommand {
    private final BundleContext context;

    /** @param context to find the service */
    @Activate
    public ClassifyCommand(BundleContext context) {
        this.context = context;
    }

    /** @return the accuracies and the backend that computed them */
    @Descriptor("run a trained classifier (ONNX or TorchScript, or a model directory with both) on a labelled data set,"
            + " on the backend method 'classify' is bound to")
    public Summary classify(
            @Descriptor("the Classifier to run, by name (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = "classify") String method,
            @Descriptor("a stored model (id or id@version), a .onnx or .pt file, or a model directory with model.onnx and model.pt") String model,
            @Descriptor("images: IDX (labels file beside it) or CSV (label last)") String data) throws IOException {
        Methods.find(context, Classifier.class, "classifier", method); // before reading the data
        Models.Resolved resolved = Models.resolve(context, model); // a stored model is verified here
        LabelledSet set = LabelledFiles.read(Path.of(data));
        ConsoleProgress progress = new ConsoleProgress(System.out, 250);
        long t0 = System.nanoTime();
        Classification r;
        try {
            r = Methods.call(context, Classifier.class, "classifier", method,
                    c -> c.classify(resolved.path(), set.features(), progress));
        } finally {
            progress.finish();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int[] p = r.predicted();
        int[] total = new int[set.classCount()];
        int[] ok = new int[set.classCount()];
        for (int i = 0; i < p.length; i++) {
            total[set.label(i)]++;
            ok[set.label(i)] += p[i] == set.label(i) ? 1 : 0;
        }
        Map<String, String> f = new LinkedHashMap<>();
        if (resolved.stored() != null) {
            f.put("model", resolved.handle() + " (" + resolved.stored().digest().substring(0, 12) + "…, verified)");
        }
        f.put("backend", r.backend());
        f.put("model file", r.model());
        StringBuilder perClass = new StringBuilder();
        for (int k = 0; k < total.length; k++) {
            perClass.append(String.format(Locale.ROOT, "%s%s %.2f", k == 0 ? "" : "  ", set.classNames().get(k),
                    total[k] == 0 ? Double.NaN : (double) ok[k] / total[k]));
        }
        f.put("accuracy per class", perClass.toString());
        return new Summary(String.format(Locale.ROOT, "%s on %d samples: accuracy %.4f on %s in %.2f s",
                resolved.label(), p.length, r.accuracy(set.labels()), r.backend(), seconds), f);
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
