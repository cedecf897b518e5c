package org.modelkit.perturber.stereo.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.modelkit.io.AtomicFiles;
import org.modelkit.io.FormatException;
import org.modelkit.io.Json;

/**
 * A stereo network's architecture and weights, held in Java arrays (a few thousand numbers): each step copies
 * them into the step's manager, so no gradient or graph outlives a step.
 *
 * <p>A model directory holds {@code model.json} (the {@link StereoSpec} and the list of weight tensors with their
 * shapes) and {@code weights.bin} (the tensors in that order, little-endian float32), a form a peer in another
 * language reads without a library.
 */
final class StereoModel {
    /** The architecture file. */
    static final String SPEC = "model.json";
    /** The weights file. */
    static final String WEIGHTS = "weights.bin";

    private final StereoSpec spec;
    private final float[][] weights;

    StereoModel(StereoSpec spec, float[][] weights) {
        List<StereoSpec.Param> ps = spec.params();
        if (weights.length != ps.size()) {
            throw new IllegalArgumentException(spec + " has " + ps.size() + " weight tensors, got " + weights.length);
        }
        for (int i = 0; i < weights.length; i++) {
            if (weights[i].length != ps.get(i).size()) {
                throw new IllegalArgumentException("weight " + ps.get(i).name() + " of " + spec + " has " + ps.get(i).size()
                        + " values, got " + weights[i].length);
            }
        }
        this.spec = spec;
        this.weights = weights;
    }

    /**
     * PyTorch's default initialisation: kernels and biases uniform in ±1/√fan-in.
     *
     * @param spec the architecture
     * @param seed the seed
     * @return a fresh model
     */
    static StereoModel initial(StereoSpec spec, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<StereoSpec.Param> ps = spec.params();
        float[][] w = new float[ps.size()][];
        for (int i = 0; i < w.length; i++) {
            StereoSpec.Param p = ps.get(i);
            int fanIn = p.fanIn() > 0 ? p.fanIn() : ps.get(i - 1).fanIn();
            double bound = 1 / Math.sqrt(fanIn);
            w[i] = new float[p.size()];
            for (int j = 0; j < w[i].length; j++) {
                w[i][j] = (float) ((2 * r.nextDouble() - 1) * bound);
            }
        }
        return new StereoModel(spec, w);
    }

    StereoSpec spec() {
        return spec;
    }

    /** @return the weights themselves (the trainer updates them in place) */
    float[][] weights() {
        return weights;
    }

    /** @return a deep copy */
    StereoModel copy() {
        float[][] w = new float[weights.length][];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights[i].clone();
        }
        return new StereoModel(spec, w);
    }

    /**
     * @param m        the manager the arrays live in
     * @param type     float32 or float64
     * @param gradient whether each array records its gradient
     * @return the weights as arrays of their shapes
     */
    List<NDArray> arrays(NDManager m, DataType type, boolean gradient) {
        List<StereoSpec.Param> ps = spec.params();
        List<NDArray> out = new ArrayList<>(ps.size());
        for (int i = 0; i < ps.size(); i++) {
            long[] shape = new long[ps.get(i).shape().length];
            for (int k = 0; k < shape.length; k++) {
                shape[k] = ps.get(i).shape()[k];
            }
            NDArray a = m.create(weights[i], new Shape(shape));
            if (type != DataType.FLOAT32) {
                a = a.toType(type, false);
            }
            if (gradient) {
                a.setRequiresGradient(true);
            }
            out.add(a);
        }
        return out;
    }

    /**
     * Writes {@code model.json} and {@code weights.bin} into a directory (a staging folder: the caller publishes it).
     *
     * @param dir the directory
     * @throws IOException if writing fails
     */
    void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("method", spec.method());
        json.put("architecture", spec.architecture());
        json.put("inputChannels", spec.inputChannels());
        json.put("channels", spec.channels());
        json.put("hidden", spec.hidden());
        json.put("maxDisparity", spec.maxDisparity());
        if ("B".equals(spec.architecture())) {
            json.put("groups", StereoSpec.GROUPS);
        }
        List<Map<String, Object>> ws = new ArrayList<>();
        for (StereoSpec.Param p : spec.params()) {
            ws.add(Map.of("name", p.name(), "shape", p.shape()));
        }
        json.put("weights", ws);
        json.put("weightsFile", WEIGHTS + ": little-endian float32, the tensors above in order; a kernel [out, in*k] is"
                + " [out, in, (3,) 3, 3] flattened");
        Json.write(dir.resolve(SPEC), json);
        AtomicFiles.write(dir.resolve(WEIGHTS), out -> {
            DataOutputStream d = new DataOutputStream(out);
            for (float[] w : weights) {
                ByteBuffer b = ByteBuffer.allocate(4 * w.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(w);
                d.write(b.array());
            }
            d.flush();
        });
    }

    /**
     * @param dir a model directory
     * @return the model
     * @throws IllegalArgumentException naming the directory if it is missing or holds another kind of model
     * @throws IOException              if a file cannot be read or is malformed
     */
    static StereoModel load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model directory '" + dir + "' does not exist");
        }
        Path specFile = dir.resolve(SPEC);
        if (!Files.isRegularFile(specFile)) {
            throw new IllegalArgumentException("model directory '" + dir + "' has no " + SPEC);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = Json.read(specFile, Map.class);
        if (!StereoSpec.METHOD.equals(raw.get("method"))) {
            throw new IllegalArgumentException("model '" + dir + "' is not a " + StereoSpec.METHOD + " model (its " + SPEC
                    + (raw.get("method") == null ? " names no method" : " names method '" + raw.get("method") + "'")
                    + "; train one with modelkit:trainstereo)");
        }
        StereoSpec spec;
        try {
            spec = new StereoSpec(StereoSpec.METHOD, String.valueOf(raw.get("architecture")), integer(raw, "inputChannels",
                    specFile), integer(raw, "channels", specFile), integer(raw, "hidden", specFile), integer(raw,
                    "maxDisparity", specFile));
        } catch (IllegalArgumentException e) {
            throw new FormatException(specFile, "does not describe a stereo network: " + e.getMessage());
        }
        Path wf = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(wf)) {
            throw new IllegalArgumentException("model directory '" + dir + "' has no " + WEIGHTS);
        }
        byte[] bytes = Files.readAllBytes(wf);
        List<StereoSpec.Param> ps = spec.params();
        long expected = 0;
        for (StereoSpec.Param p : ps) {
            expected += 4L * p.size();
        }
        if (bytes.length != expected) {
            throw new FormatException(wf, "holds " + bytes.length + " bytes; " + spec + " needs " + expected);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[][] w = new float[ps.size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = new float[ps.get(i).size()];
            for (int j = 0; j < w[i].length; j++) {
                w[i][j] = b.getFloat();
                if (!Float.isFinite(w[i][j])) {
                    throw new FormatException(wf, "weight " + ps.get(i).name() + "[" + j + "] is " + w[i][j]);
                }
            }
        }
        return new StereoModel(spec, w);
    }

    private static int integer(Map<String, Object> raw, String key, Path file) throws FormatException {
        if (!(raw.get(key) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new FormatException(file, "field '" + key + "' must be an integer, got " + raw.get(key));
        }
        return n.intValue();
    }
}
