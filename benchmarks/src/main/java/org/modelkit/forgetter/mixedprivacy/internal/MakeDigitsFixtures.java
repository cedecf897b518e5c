package org.modelkit.forgetter.mixedprivacy.internal;

import ai.djl.Model;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.io.LabelledFiles;
import org.modelkit.io.SampleDigests;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Training;

/**
 * The mixed-privacy forgetter's fixtures (scripts/make-forget-fixtures): sklearn's 1,797 digits
 * (testdata/sklearn/digits.csv.gz) split by a seeded permutation into core (300), user (400) and test
 * (1,097) CSV files (the original 0-16 values, label last), and the core model: an MLP 64-64-64-10 with
 * Leaky-ReLU trained with cross-entropy on the core samples alone (SGD, momentum 0.9, lr 0.05 with
 * cosine decay, batch 32, 60 epochs, weight decay 1e-4, seed 1), written with the SHA-256 of every core
 * sample (core-samples.sha256), so a forgettable model can refuse to "forget" a core sample.
 */
public final class MakeDigitsFixtures {
    private MakeDigitsFixtures() {
    }

    public static void main(String[] args) throws Exception {
        Path digits = Path.of("testdata/sklearn/digits.csv.gz");
        Path splits = Path.of(args.length > 0 ? args[0] : "testdata/forget");
        Path model = Path.of(args.length > 1 ? args[1] : "testdata/models/digits-mlp-core");
        List<String> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(digits)),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    rows.add(line.trim());
                }
            }
        }
        int[] p = Sampling.permutation(rows.size(), new Random(20261203L));
        Files.createDirectories(splits);
        write(splits.resolve("core.csv"), rows, p, 0, 300);
        write(splits.resolve("user.csv"), rows, p, 300, 700);
        write(splits.resolve("test.csv"), rows, p, 700, rows.size());
        LabelledSet core = LabelledFiles.read(splits.resolve("core.csv"));
        LabelledSet test = LabelledFiles.read(splits.resolve("test.csv"));
        ModelSpec spec = new ModelSpec("mlp", 10, "leaky_relu", false, new int[] {64, 64}, new int[] {8, 8});
        try (Model m = Model.newInstance("digits-mlp-core")) {
            m.setBlock(spec.build());
            Training.Report rep = Training.train(m, core, test, new Training.Config(60, 32, Training.Method.SGD, 0.05, 0.9,
                    1e-4, Training.Schedule.COSINE, 1), (stage, done, total) -> { });
            System.out.println("core test accuracy: " + rep.finalEvalAccuracy() + " (per epoch " + Arrays.toString(
                    Arrays.copyOfRange(rep.evalAccuracy(), 0, 5)) + " ...)");
            ModelFiles.save(model, spec, m.getBlock());
        }
        Files.write(model.resolve("core-samples.sha256"), Arrays.asList(SampleDigests.all(core)));
        System.out.println("written " + splits + " (core 300, user 400, test " + (rows.size() - 700) + ") and " + model);
    }

    private static void write(Path file, List<String> rows, int[] p, int from, int to) throws Exception {
        List<String> out = new ArrayList<>();
        boolean sixteen = false;
        for (int i = from; i < to; i++) {
            out.add(rows.get(p[i]));
            sixteen |= Arrays.asList(rows.get(p[i]).split(",")).subList(0, 64).contains("16");
        }
        if (!sixteen) {
            throw new IllegalStateException(file + " holds no 16: its values would be scaled differently");
        }
        Files.write(file, out);
    }
}
