package org.modelkit.distiller.focal.internal;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.modelkit.api.congruent.Loss;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.Json;
import org.modelkit.io.LabelledFiles;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Training;

/**
 * The PyTorch side-by-side of focal distillation (benchmarks/congruent/run peer): the same new network, initial
 * weights, data order, reference logits and loss trained by Modelkit and by Debian's python3-torch
 * (benchmarks/congruent/peer.py), one after the other, several times.
 * <ul>
 * <li>{@code prepare DIR}: trains the old MLP 784-128-10 (first 30,000 Fashion-MNIST training images, 5 epochs,
 * Adam 1e-3, batch 128, seed 10, as the full benchmark's first seed) and writes to DIR, as little-endian raw
 * arrays: the images and labels, the old model's training logits and test predictions, the batch order of every
 * epoch (Modelkit's seeded shuffle) and the new small CNN's seeded initial parameters, with meta.json;</li>
 * <li>{@code train DIR}: trains the CNN with FD-KL (α 1, β 5, T 100), Adam 1e-3, batch 128, from those
 * parameters in that order, evaluating the test set after each epoch as the bundle does, and prints one JSON
 * line: seconds per epoch, ER, NFR.</li>
 * </ul>
 */
public final class CongruentPeer {
    private CongruentPeer() {
    }

    static final int EPOCHS = Integer.getInteger("epochs", 5);
    static final int BATCH = 128;
    static final long SEED = 1;

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !(args[0].equals("prepare") || args[0].equals("train"))) {
            throw new IllegalArgumentException("usage: CongruentPeer prepare|train DIR");
        }
        Path dir = Path.of(args[1]);
        Path fashion = Path.of("data/fashion-mnist");
        LabelledSet train = LabelledFiles.read(fashion.resolve("train-images-idx3-ubyte.gz"));
        LabelledSet test = LabelledFiles.read(fashion.resolve("t10k-images-idx3-ubyte.gz"));
        TensorBackend backend = LocalBackends.pytorchCpu("bench");
        ModelSpec newSpec = NetSpec.parse("small-cnn", 10, new int[] {28, 28}, null);
        if (args[0].equals("prepare")) {
            prepare(dir, train, test, backend, newSpec);
        } else {
            train(dir, train, test, backend, newSpec);
        }
    }

    static void prepare(Path dir, LabelledSet train, LabelledSet test, TensorBackend backend, ModelSpec newSpec)
            throws IOException {
        Files.createDirectories(dir);
        ModelSpec oldSpec = NetSpec.parse("mlp:128", 10, new int[] {28, 28}, null);
        LabelledSet half = train.select(Arrays.copyOf(Sampling.range(train.size()), 30_000));
        try (NDManager m = backend.newManager(); Model old = backend.newModel("old")) {
            old.setBlock(oldSpec.build());
            Training.train(old, half, null, new Training.Config(5, BATCH, Training.Method.ADAM, 1e-3, 0, 0,
                    Training.Schedule.CONSTANT, 10), Progress.NONE);
            ModelFiles.Loaded l = new ModelFiles.Loaded(oldSpec, old.getBlock());
            writeFloats(dir.resolve("old-train-logits.f32"), References.forward(l, train.features(), m));
            writeInts(dir.resolve("old-test-pred.i32"),
                    new References.Logits(References.forward(l, test.features(), m), 10, oldSpec).predictions());
        }
        writeFloats(dir.resolve("train-x.f32"), train.features().toArray());
        writeInts(dir.resolve("train-y.i32"), train.labels());
        writeFloats(dir.resolve("test-x.f32"), test.features().toArray());
        writeInts(dir.resolve("test-y.i32"), test.labels());
        // the order CongruentTraining draws: one Random(seed), the same index array shuffled again each epoch
        Random order = new Random(SEED);
        int[] idx = Sampling.range(train.size());
        int[] all = new int[EPOCHS * idx.length];
        for (int e = 0; e < EPOCHS; e++) {
            Sampling.shuffle(idx, order);
            System.arraycopy(idx, 0, all, e * idx.length, idx.length);
        }
        writeInts(dir.resolve("order.i32"), all);
        List<Map<String, Object>> params = new ArrayList<>();
        try (Model neu = backend.newModel("new")) {
            Block b = initialised(neu, newSpec);
            int k = 0;
            for (Pair<String, Parameter> p : b.getParameters()) {
                NDArray a = p.getValue().getArray();
                String file = "init-" + k++ + ".f32";
                writeFloats(dir.resolve(file), a.toFloatArray());
                params.add(Map.of("name", p.getKey(), "shape", Arrays.stream(a.getShape().getShape()).boxed().toList(),
                        "file", file));
            }
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("train", train.size());
        meta.put("test", test.size());
        meta.put("classes", 10);
        meta.put("epochs", EPOCHS);
        meta.put("batch", BATCH);
        meta.put("lr", 1e-3);
        meta.put("alpha", 1.0);
        meta.put("beta", 5.0);
        meta.put("t", 100.0);
        meta.put("parameters", params);
        Json.write(dir.resolve("meta.json"), meta);
        System.err.println("prepared " + dir);
    }

    /** The CNN with its seeded initial parameters, as CongruentTraining would initialise it. */
    static Block initialised(Model model, ModelSpec spec) {
        Block b = spec.build();
        model.setBlock(b);
        model.getNDManager().getEngine().setRandomSeed((int) SEED);
        b.initialize(model.getNDManager(), DataType.FLOAT32, spec.batchShape(BATCH));
        return b;
    }

    static void train(Path dir, LabelledSet train, LabelledSet test, TensorBackend backend, ModelSpec newSpec)
            throws IOException {
        float[] logits = readFloats(dir.resolve("old-train-logits.f32"));
        int[] oldTest = readInts(dir.resolve("old-test-pred.i32"));
        try (Model neu = backend.newModel("new")) {
            Block b = initialised(neu, newSpec);
            int k = 0;
            for (Pair<String, Parameter> p : b.getParameters()) {
                float[] v = readFloats(dir.resolve("init-" + k++ + ".f32"));
                if (!Arrays.equals(v, p.getValue().getArray().toFloatArray())) {
                    throw new IllegalStateException("the seeded initialisation of " + p.getKey() + " differs from " + dir);
                }
            }
            List<Double> stamps = new ArrayList<>();
            long t0 = System.nanoTime();
            stamps.add(0.0);
            Progress timing = new Progress() {
                @Override
                public void report(String stage, long done, long total) {
                    stamps.add((System.nanoTime() - t0) / 1e9);
                }

                @Override
                public void checkCancelled() {
                }
            };
            // trainer.initialize keeps parameters already initialised: it starts from these
            CongruentTraining.Result r = CongruentTraining.train(neu, newSpec, train, new References.Logits(logits, 10, null),
                    test, oldTest, new CongruentTraining.Options(new FocalLoss.Settings(Loss.FD_KL, 1, 5, 100), EPOCHS, BATCH,
                            Training.Method.ADAM, 1e-3, 0, SEED), timing);
            double[] per = new double[stamps.size() - 1];
            for (int i = 0; i < per.length; i++) {
                per[i] = stamps.get(i + 1) - stamps.get(i);
            }
            Path saved = dir.resolve("new-model");
            if (!Files.exists(saved)) { // the candidate GateTiming checks
                ModelFiles.save(saved, newSpec, neu.getBlock());
            }
            System.out.printf(Locale.ROOT, "{\"epoch_seconds\": %s, \"er\": %.6f, \"nfr\": %.6f, \"loss\": %s}%n",
                    Arrays.toString(per), r.metrics().newErrorRate(), r.metrics().negativeFlipRate(), Arrays.toString(r.loss()));
        }
    }

    static void writeFloats(Path file, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        Files.write(file, b.array());
    }

    static void writeInts(Path file, int[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        Files.write(file, b.array());
    }

    static float[] readFloats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }

    static int[] readInts(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[b.remaining() / 4];
        b.asIntBuffer().get(v);
        return v;
    }
}
