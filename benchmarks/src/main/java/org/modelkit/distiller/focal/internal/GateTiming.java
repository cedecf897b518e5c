package org.modelkit.distiller.focal.internal;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.modelkit.api.classify.Classifier;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.StoredModel;
import org.modelkit.api.progress.Progress;
import org.modelkit.classifier.internal.BenchClassifiers;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.LabelledFiles;

/**
 * The negative-flip gate's cost against one {@code classify} (benchmarks/congruent/run peer): the gate's check of
 * a candidate (the CNN CongruentPeer trained, a DJL model folder) against the current version (the committed
 * Fashion-MNIST CNN, TorchScript) on the 10,000 Fashion-MNIST test images, against a classify of the same file
 * by each model (the file read, as the shell's classify reads it), all on the PyTorch CPU backend; alternated,
 * median of REPS. Usage: GateTiming DIR [REPS]; prints one JSON line.
 */
public final class GateTiming {
    private GateTiming() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path heldout = Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz");
        Path reports = Files.createTempDirectory("gate-timing");
        TensorBackend backend = LocalBackends.pytorchCpu("bench");
        Classifier classifier = BenchClassifiers.on(backend);
        GateConfig config = new GateConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return GateConfig.class;
            }

            @Override
            public String model_id() {
                return "fashion";
            }

            @Override
            public String heldout() {
                return heldout.toString();
            }

            @Override
            public double max_nfr() {
                return 0.05;
            }

            @Override
            public double max_relative_nfr() {
                return -1;
            }

            @Override
            public String report_dir() {
                return reports.toString();
            }
        };
        FlipGate gate = new FlipGate(classifier, config, Map.of("service.pid", FlipGate.FACTORY_PID + "~timing"));
        StoredModel current = stored("1", Path.of("testdata/models/fashion-cnn-leaky"));
        StoredModel candidate = stored("2", dir.resolve("new-model"));
        double[] gateS = new double[reps];
        double[] curS = new double[reps];
        double[] candS = new double[reps];
        FlipGate.Verdict v = gate.check(current, candidate); // warm-up, and the verdict shown
        classify(classifier, current.directory(), heldout);
        classify(classifier, candidate.directory(), heldout);
        for (int r = 0; r < reps; r++) {
            candS[r] = classify(classifier, candidate.directory(), heldout);
            long t0 = System.nanoTime();
            gate.check(current, candidate);
            gateS[r] = (System.nanoTime() - t0) / 1e9;
            curS[r] = classify(classifier, current.directory(), heldout);
        }
        double g = median(gateS);
        double a = median(curS);
        double b = median(candS);
        System.out.printf(Locale.ROOT, "{\"samples\": 10000, \"gate_s\": %.4f, \"classify_current_s\": %.4f, \"classify_candidate_s\":"
                + " %.4f, \"gate_over_slower_classify\": %.3f, \"gate_over_both_classifies\": %.3f, \"nfr\": %.4f, \"verdict\": \"%s\","
                + " \"gate_runs\": %s}%n", g, a, b, g / Math.max(a, b), g / (a + b), v.metrics().negativeFlipRate(),
                v.refused() ? "refused" : "accepted", Arrays.toString(gateS));
    }

    static double classify(Classifier c, Path model, Path file) throws Exception {
        long t0 = System.nanoTime();
        LabelledSet set = LabelledFiles.read(file);
        c.classify(model, set.features(), Progress.NONE);
        return (System.nanoTime() - t0) / 1e9;
    }

    static StoredModel stored(String version, Path dir) {
        return new StoredModel(new ModelHandle("fashion", version), dir, StoredModel.State.AVAILABLE, version.equals("1"), "-",
                null, null, null, "bench", Instant.now(), null, null, null);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
