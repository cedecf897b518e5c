package org.modelkit.segmenter.motion.internal;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.io.FormatException;
import org.modelkit.io.Json;
import org.modelkit.nn.GradientGuard;
import org.modelkit.nn.RawWeights;
import org.modelkit.nn.Scalars;

/**
 * DyStaB's static model at the notes' scale (§5.5, test 3): a small fully convolutional network from a grey image
 * to a mask logit per pixel (3×3 convolutions 1→16→16→1 with ReLU, padding 1), trained with binary cross-entropy
 * on the masks the dynamic step found on moving frames, then applied to single images, where motion says nothing.
 *
 * <p>A model directory holds {@code model.json} (method {@code dystab}, the architecture, the frame size it was
 * trained at, its weight tensors' names and shapes, and what the training reported) and {@code weights.bin} (the
 * tensors in that order, little-endian float32), as the stereo models do.
 */
final class StaticNet implements AutoCloseable {
    /** The method a model directory names. */
    static final String METHOD = "dystab";
    /** The architecture. */
    static final String ARCHITECTURE = "conv3x3 1-16-16-1 relu";
    /** The architecture file. */
    static final String SPEC = "model.json";
    /** The weights file. */
    static final String WEIGHTS = "weights.bin";
    /**
     * Images per step. Measured on 3 sprite sequences (DystabTest, 30 frames, 30 epochs): batches of 16 gave 60
     * steps, after which the net still predicted background everywhere (J 0.000); batches of 4 give 240.
     */
    static final int BATCH = 4;

    private final Model model;
    private final int width;
    private final int height;
    private final double loss;

    private StaticNet(Model model, int width, int height, double loss) {
        this.model = model;
        this.width = width;
        this.height = height;
        this.loss = loss;
    }

    static SequentialBlock block() {
        SequentialBlock b = new SequentialBlock();
        b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(16).build());
        b.add(Activation.reluBlock());
        b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(16).build());
        b.add(Activation.reluBlock());
        b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(1).build());
        return b;
    }

    /** Trains on square images (the disks' tests). */
    static StaticNet train(List<float[]> images, List<boolean[]> masks, int size, int epochs, long seed,
            TensorBackend backend, Progress progress) {
        return train(images, masks, size, size, epochs, seed, backend, progress);
    }

    /**
     * Trains a net on images and their (pseudo-)masks.
     *
     * @param images  grey images of width×height, values in [0, 1]
     * @param masks   a mask per image
     * @param epochs  passes over the images
     * @param seed    the initialisation and the batch order
     * @param backend where the net lives and trains
     * @return the trained net (close it)
     */
    static StaticNet train(List<float[]> images, List<boolean[]> masks, int width, int height, int epochs, long seed,
            TensorBackend backend, Progress progress) {
        Model model = backend.newModel("static");
        boolean done = false;
        try {
            model.getNDManager().getEngine().setRandomSeed((int) seed);
            model.setBlock(block());
            int n = images.size();
            int batch = Math.min(BATCH, n);
            int per = width * height;
            double last = Double.NaN;
            long positive = 0;
            for (boolean[] m : masks) {
                for (boolean b : m) {
                    positive += b ? 1 : 0;
                }
            }
            long total = (long) n * per;
            // the object is the minority class (10-30 % of the pixels): weighted BCE, positives times
            // √(negatives/positives), in [1, 10]
            float weight = (float) Math.max(1, Math.min(10, Math.sqrt((double) (total - positive) / Math.max(1, positive))));
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-2f)).build();
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
                    .optOptimizer(adam))) {
                trainer.initialize(new Shape(batch, 1, height, width));
                GradientGuard guard = new GradientGuard();
                Random order = new Random(seed);
                int[] idx = Sampling.range(n);
                for (int e = 0; e < epochs; e++) {
                    Sampling.shuffle(idx, order);
                    double sum = 0;
                    for (int s = 0; s < n; s += batch) {
                        progress.checkCancelled();
                        int b = Math.min(batch, n - s);
                        float[] x = new float[b * per];
                        float[] y = new float[b * per];
                        for (int i = 0; i < b; i++) {
                            System.arraycopy(images.get(idx[s + i]), 0, x, i * per, per);
                            boolean[] m = masks.get(idx[s + i]);
                            for (int k = 0; k < per; k++) {
                                y[i * per + k] = m[k] ? 1 : 0;
                            }
                        }
                        try (NDManager m = model.getNDManager().newSubManager()) {
                            NDArray xs = m.create(x, new Shape(b, 1, height, width));
                            NDArray ys = m.create(y, new Shape(b, 1, height, width));
                            sum += b * guard.step(trainer, adam, () -> weightedBce(trainer.forward(new NDList(xs)).singletonOrThrow(),
                                    ys, weight));
                        }
                    }
                    last = sum / n;
                    progress.report("epochs", e + 1, epochs);
                }
            }
            done = true;
            return new StaticNet(model, width, height, last);
        } finally {
            if (!done) {
                model.close();
            }
        }
    }

    /**
     * @return the mean over pixels of w·y·softplus(−z) + (1 − y)·softplus(z): binary cross-entropy on logits z with
     *         the positives weighted by w (softplus written stably as max(z, 0) + log(1 + e^−|z|))
     */
    static NDArray weightedBce(NDArray z, NDArray y, float w) {
        NDArray softplus = Scalars.maximum(z, 0).add(z.abs().neg().exp().add(1).log());
        NDArray pos = softplus.sub(z); // softplus(−z)
        return Scalars.mul(y.mul(pos), w).add(y.neg().add(1).mul(softplus)).mean();
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** @return the mean training loss of the last epoch (NaN for a loaded model) */
    double loss() {
        return loss;
    }

    /** @return the mask of each image: the logit above 0 (probability above a half) */
    boolean[][] segment(List<float[]> images) {
        float[][] p = probabilities(images);
        boolean[][] out = new boolean[p.length][];
        for (int i = 0; i < p.length; i++) {
            out[i] = new boolean[p[i].length];
            for (int k = 0; k < p[i].length; k++) {
                out[i][k] = p[i][k] > 0.5f;
            }
        }
        return out;
    }

    /** @return the object's probability at each pixel of each image, in batches of 16 */
    float[][] probabilities(List<float[]> images) {
        int per = width * height;
        float[][] out = new float[images.size()][];
        for (int s = 0; s < images.size(); s += 16) {
            int b = Math.min(16, images.size() - s);
            try (NDManager m = model.getNDManager().newSubManager()) {
                float[] x = new float[b * per];
                for (int i = 0; i < b; i++) {
                    float[] img = images.get(s + i);
                    if (img.length != per) {
                        throw new IllegalArgumentException("image " + (s + i) + " has " + img.length + " pixels; the static"
                                + " model takes " + width + "x" + height);
                    }
                    System.arraycopy(img, 0, x, i * per, per);
                }
                NDArray logits = model.getBlock().forward(new ParameterStore(m, false),
                        new NDList(m.create(x, new Shape(b, 1, height, width))), false).singletonOrThrow();
                float[] z = logits.toFloatArray();
                for (int i = 0; i < b; i++) {
                    out[s + i] = new float[per];
                    for (int k = 0; k < per; k++) {
                        out[s + i][k] = (float) (1 / (1 + Math.exp(-z[i * per + k])));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Writes {@code model.json} and {@code weights.bin} into a directory (a staging folder: the caller publishes it).
     *
     * @param dir    the directory
     * @param report what the training reported, kept in model.json
     * @throws IOException if writing fails
     */
    void save(Path dir, Map<String, Object> report) throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Object>> ws = new ArrayList<>();
        List<NDArray> values = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            NDArray a = p.getValue().getArray();
            ws.add(Map.of("name", p.getKey(), "shape", a.getShape().getShape()));
            values.add(a);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("method", METHOD);
        json.put("architecture", ARCHITECTURE);
        json.put("width", width);
        json.put("height", height);
        json.put("channels", 1);
        json.put("input", "grey in [0, 1]; output: one logit per pixel, the object where it is above 0");
        json.put("weights", ws);
        json.put("weightsFile", WEIGHTS + ": little-endian float32, the tensors above in order");
        json.put("training", report);
        Json.write(dir.resolve(SPEC), json);
        RawWeights.write(dir.resolve(WEIGHTS), values);
    }

    /**
     * @param dir     a model directory
     * @param backend where the net lives
     * @return the net (close it)
     * @throws IllegalArgumentException naming the directory if it is missing or holds another kind of model
     * @throws IOException              if a file cannot be read or is malformed
     */
    static StaticNet load(Path dir, TensorBackend backend) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model directory '" + dir + "' does not exist");
        }
        Path specFile = dir.resolve(SPEC);
        if (!Files.isRegularFile(specFile)) {
            throw new IllegalArgumentException("model directory '" + dir + "' has no " + SPEC);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = Json.read(specFile, Map.class);
        if (!METHOD.equals(raw.get("method"))) {
            throw new IllegalArgumentException("model '" + dir + "' is not a " + METHOD + " model (its " + SPEC
                    + (raw.get("method") == null ? " names no method" : " names method '" + raw.get("method") + "'")
                    + "; train one with modelkit:segmenttrain)");
        }
        if (!ARCHITECTURE.equals(raw.get("architecture"))) {
            throw new FormatException(specFile, "names architecture '" + raw.get("architecture") + "'; this bundle reads '"
                    + ARCHITECTURE + "'");
        }
        int w = integer(raw, "width", specFile);
        int h = integer(raw, "height", specFile);
        if (w < 1 || h < 1 || w > 1 << 15 || h > 1 << 15) {
            throw new FormatException(specFile, "gives a frame size of " + w + "x" + h);
        }
        Path wf = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(wf)) {
            throw new IllegalArgumentException("model directory '" + dir + "' has no " + WEIGHTS);
        }
        Model model = backend.newModel("static");
        boolean done = false;
        try {
            model.setBlock(block());
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, h, w));
            List<NDArray> arrays = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                arrays.add(p.getValue().getArray());
            }
            RawWeights.read(wf, arrays, "the static net");
            done = true;
            return new StaticNet(model, w, h, Double.NaN);
        } finally {
            if (!done) {
                model.close();
            }
        }
    }

    private static int integer(Map<String, Object> raw, String key, Path file) throws FormatException {
        if (!(raw.get(key) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new FormatException(file, "field '" + key + "' must be an integer, got " + raw.get(key));
        }
        return n.intValue();
    }

    @Override
    public void close() {
        model.close();
    }
}
