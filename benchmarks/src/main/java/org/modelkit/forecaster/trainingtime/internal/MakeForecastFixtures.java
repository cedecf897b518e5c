package org.modelkit.forecaster.trainingtime.internal;

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
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Training;

/**
 * The training-time predictor's fixtures (scripts/make-forecast-fixtures), the notes' setting: sklearn's
 * digits 0-4 (901 samples, testdata/forecast/pretrain.csv) pre-train an MLP 64-64-64 with ReLU and a
 * 5-class head (cross-entropy, SGD with momentum 0.9, lr 0.05 with cosine decay, batch 32, 60 epochs,
 * weight decay 1e-4, seed 1: testdata/models/digits04-mlp); 150 samples of the digits 5-9 drawn with a
 * seed, labels shifted to 0-4 (testdata/forecast/finetune.csv), are what fine-tuning with a new head
 * learns. The CSV files keep the original 0-16 values, label last.
 */
public final class MakeForecastFixtures {
    private MakeForecastFixtures() {
    }

    public static void main(String[] args) throws Exception {
        Path digits = Path.of("testdata/sklearn/digits.csv.gz");
        Path dir = Path.of("testdata/forecast");
        Path model = Path.of("testdata/models/digits04-mlp");
        List<String> low = new ArrayList<>();
        List<String> high = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(digits)),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split(",");
                int y = Integer.parseInt(f[f.length - 1]);
                if (y < 5) {
                    low.add(line.trim());
                } else {
                    f[f.length - 1] = Integer.toString(y - 5);
                    high.add(String.join(",", f));
                }
            }
        }
        int[] p = Sampling.permutation(high.size(), new Random(20261203L));
        List<String> tune = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            tune.add(high.get(p[i]));
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve("pretrain.csv"), low);
        Files.write(dir.resolve("finetune.csv"), tune);
        for (String f : List.of("pretrain.csv", "finetune.csv")) {
            boolean sixteen = Files.readAllLines(dir.resolve(f)).stream()
                    .anyMatch(l -> Arrays.asList(l.split(",")).subList(0, 64).contains("16"));
            if (!sixteen) {
                throw new IllegalStateException(f + " holds no 16: its values would be scaled differently");
            }
        }
        LabelledSet pre = LabelledFiles.read(dir.resolve("pretrain.csv"));
        ModelSpec spec = new ModelSpec("mlp", 5, "relu", false, new int[] {64, 64}, new int[] {8, 8});
        try (Model m = Model.newInstance("digits04-mlp")) {
            m.setBlock(spec.build());
            Training.Report rep = Training.train(m, pre, null, new Training.Config(60, 32, Training.Method.SGD, 0.05, 0.9,
                    1e-4, Training.Schedule.COSINE, 1), (stage, done, total) -> { });
            System.out.println("pre-training accuracy on digits 0-4: " + rep.trainAccuracy()[rep.trainAccuracy().length - 1]);
            ModelFiles.save(model, spec, m.getBlock());
        }
        System.out.println("written " + dir + " (pretrain " + low.size() + ", finetune 150) and " + model);
    }
}
