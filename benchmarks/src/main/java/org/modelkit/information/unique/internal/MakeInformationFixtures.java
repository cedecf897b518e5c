package org.modelkit.information.unique.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
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
import org.modelkit.api.data.Sampling;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;

/**
 * The information estimator's fixtures (scripts/make-information-fixtures), the notes' setting: from
 * sklearn's digits 4 and 9 (361 samples), 80 training samples (testdata/information/digits49-train.csv)
 * and 100 validation samples (digits49-validation.csv) drawn with a seed, original 0-16 values and labels
 * (the command's --classes 4,9 makes them 0 and 1); and the MLP 64-256-1 with ReLU at its initial weights
 * (testdata/models/digits-mlp256-init): PyTorch's standard initialisation of a linear layer, U(±1/√fan_in)
 * for weight and bias, drawn in Java from seed 1.
 */
public final class MakeInformationFixtures {
    private MakeInformationFixtures() {
    }

    public static void main(String[] args) throws Exception {
        Path digits = Path.of("testdata/sklearn/digits.csv.gz");
        Path dir = Path.of("testdata/information");
        Path model = Path.of("testdata/models/digits-mlp256-init");
        List<String> fours = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(digits)),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split(",");
                int y = Integer.parseInt(f[f.length - 1]);
                if (y == 4 || y == 9) {
                    fours.add(line.trim());
                }
            }
        }
        int[] p = Sampling.permutation(fours.size(), new Random(20261203L));
        List<String> train = new ArrayList<>();
        List<String> validation = new ArrayList<>();
        for (int i = 0; i < 180; i++) {
            (i < 80 ? train : validation).add(fours.get(p[i]));
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve("digits49-train.csv"), train);
        Files.write(dir.resolve("digits49-validation.csv"), validation);
        for (String f : List.of("digits49-train.csv", "digits49-validation.csv")) {
            boolean sixteen = Files.readAllLines(dir.resolve(f)).stream()
                    .anyMatch(l -> Arrays.asList(l.split(",")).subList(0, 64).contains("16"));
            if (!sixteen) {
                throw new IllegalStateException(f + " holds no 16: its values would be scaled differently");
            }
        }
        ModelSpec spec = new ModelSpec("mlp", 1, "relu", false, new int[] {256}, new int[] {8, 8});
        Random rnd = new Random(1);
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = spec.build();
            net.initialize(m, DataType.FLOAT32, spec.batchShape(1));
            double bound = 0;
            for (Pair<String, Parameter> q : net.getParameters()) {
                NDArray a = q.getValue().getArray();
                if (q.getKey().endsWith("_weight")) {
                    bound = 1 / Math.sqrt(a.getShape().get(1));
                }
                float[] v = new float[(int) a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((2 * rnd.nextDouble() - 1) * bound);
                }
                a.set(v);
                System.out.println(q.getKey() + " " + a.getShape() + " U(±" + bound + ")");
            }
            ModelFiles.save(model, spec, net);
        }
        System.out.println("written " + dir + " (train 80, validation 100) and " + model);
    }
}
