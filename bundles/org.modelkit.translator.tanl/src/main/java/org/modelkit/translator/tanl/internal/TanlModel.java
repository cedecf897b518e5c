package org.modelkit.translator.tanl.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.io.FormatException;
import org.modelkit.io.Json;
import org.modelkit.nn.RawWeights;
import org.modelkit.translator.tanl.format.Schema;
import org.modelkit.translator.tanl.format.TaskKind;

/**
 * A TANL model directory: {@code model.json} (method, architecture, sizes, tokenizer, tasks, the training report),
 * {@code weights.bin} (every parameter in the block's order, little-endian float32) and the tokenizer's file
 * ({@code vocab.txt} or {@code spiece.model}).
 */
final class TanlModel implements AutoCloseable {
    static final String METHOD = "tanl";
    static final String SPEC = "model.json";
    static final String WEIGHTS = "weights.bin";
    /** The architecture of a user's T5 exported to ONNX. */
    static final String T5_ONNX = "t5-onnx";

    private final Generator net;
    private final Map<String, TaskSpec> tasks;
    private final Map<String, Object> training;

    TanlModel(Generator net, List<TaskSpec> tasks, Map<String, Object> training) {
        this.net = net;
        Map<String, TaskSpec> m = new LinkedHashMap<>();
        for (TaskSpec t : tasks) {
            m.put(t.name(), t);
        }
        if (m.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one task");
        }
        this.tasks = java.util.Collections.unmodifiableMap(m);
        this.training = training == null ? Map.of() : Map.copyOf(training);
    }

    Generator net() {
        return net;
    }

    Map<String, TaskSpec> tasks() {
        return tasks;
    }

    Map<String, Object> training() {
        return training;
    }

    /**
     * @param task a task name
     * @return its spec
     * @throws IllegalArgumentException naming the known tasks
     */
    TaskSpec task(String task) {
        TaskSpec t = tasks.get(task);
        if (t == null) {
            throw new IllegalArgumentException("unknown task '" + task + "'; this model knows: " + String.join(", ",
                    tasks.keySet()));
        }
        return t;
    }

    /** @return the model input for a task: prefixed with {@code task : } when the model has several tasks */
    String input(String task, String text) {
        return tasks.size() > 1 ? TaskKind.prefixed(task, text) : text;
    }

    /** Writes the model's files into a directory (the caller stages and publishes it). */
    void save(Path dir) throws IOException {
        if (!(this.net instanceof Seq2SeqModel net)) {
            throw new IllegalStateException("only a model trained here is saved; a T5 export is the user's files");
        }
        Files.createDirectories(dir);
        Seq2SeqSpec s = net.spec();
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("method", METHOD);
        spec.put("architecture", Seq2SeqSpec.ARCHITECTURE);
        spec.put("tokenizer", net.vocabulary().kind());
        spec.put("vocabulary", s.vocabulary());
        spec.put("dModel", s.dModel());
        spec.put("heads", s.heads());
        spec.put("encoderLayers", s.encoderLayers());
        spec.put("decoderLayers", s.decoderLayers());
        spec.put("ffn", s.ffn());
        spec.put("maxSource", s.maxSource());
        spec.put("maxTarget", s.maxTarget());
        List<Object> t = new ArrayList<>();
        for (TaskSpec x : tasks.values()) {
            t.add(x.toJson());
        }
        spec.put("tasks", t);
        spec.put("training", training);
        RawWeights.write(dir.resolve(WEIGHTS), net.parameters());
        net.vocabulary().save(dir);
        Json.write(dir.resolve(SPEC), spec);
    }

    /**
     * @param dir     a model directory
     * @param backend where to load it
     * @return the model (close it)
     * @throws IllegalArgumentException naming the directory and a missing file, or a model of another method
     * @throws IOException              if a file cannot be read or is malformed ({@link FormatException})
     */
    static TanlModel load(Path dir, TensorBackend backend) throws IOException {
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
                    + "; train one with modelkit:tanltrain)");
        }
        if (T5_ONNX.equals(raw.get("architecture"))) {
            return loadT5(dir, raw, specFile);
        }
        if (!Seq2SeqSpec.ARCHITECTURE.equals(raw.get("architecture"))) {
            throw new FormatException(specFile, "names architecture '" + raw.get("architecture") + "'; this bundle reads '"
                    + Seq2SeqSpec.ARCHITECTURE + "' and '" + T5_ONNX + "'");
        }
        Seq2SeqSpec spec;
        try {
            spec = new Seq2SeqSpec(integer(raw, "vocabulary", specFile), integer(raw, "dModel", specFile),
                    integer(raw, "heads", specFile), integer(raw, "encoderLayers", specFile),
                    integer(raw, "decoderLayers", specFile), integer(raw, "ffn", specFile), integer(raw, "maxSource", specFile),
                    integer(raw, "maxTarget", specFile));
        } catch (IllegalArgumentException e) {
            throw new FormatException(specFile, e.getMessage());
        }
        List<TaskSpec> tasks = tasks(raw.get("tasks"), specFile);
        TextTokenizer tokenizer = tokenizer(dir, String.valueOf(raw.get("tokenizer")), specFile);
        if (tokenizer.size() != spec.vocabulary()) {
            throw new FormatException(specFile, "gives a vocabulary of " + spec.vocabulary() + " but the tokenizer has "
                    + tokenizer.size() + " ids");
        }
        Path wf = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(wf)) {
            throw new IllegalArgumentException("model directory '" + dir + "' has no " + WEIGHTS);
        }
        Seq2SeqModel net = Seq2SeqModel.create(backend, spec, tokenizer, 0);
        boolean done = false;
        try {
            RawWeights.read(wf, net.parameters(), "the transformer of " + SPEC);
            @SuppressWarnings("unchecked")
            Map<String, Object> training = raw.get("training") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            TanlModel model = new TanlModel(net, tasks, training);
            done = true;
            return model;
        } finally {
            if (!done) {
                net.close();
            }
        }
    }

    /**
     * A user's T5 export: {@code model.json} with architecture {@value #T5_ONNX}, the tokenizer, maxSource, maxTarget
     * and the tasks; the two ONNX files ({@link T5Onnx}) and the tokenizer's file beside it.
     */
    private static TanlModel loadT5(Path dir, Map<String, Object> raw, Path specFile) throws IOException {
        int maxSource = integer(raw, "maxSource", specFile);
        int maxTarget = integer(raw, "maxTarget", specFile);
        if (maxSource < 2 || maxTarget < 2 || maxSource > 1 << 16 || maxTarget > 1 << 16) {
            throw new FormatException(specFile, "gives maximum lengths " + maxSource + " and " + maxTarget);
        }
        List<TaskSpec> tasks = tasks(raw.get("tasks"), specFile);
        TextTokenizer tokenizer = tokenizer(dir, String.valueOf(raw.get("tokenizer")), specFile);
        T5Onnx net;
        try {
            net = T5Onnx.load(dir, tokenizer, maxSource, maxTarget);
        } catch (RuntimeException e) {
            if (tokenizer instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception x) {
                    e.addSuppressed(x);
                }
            }
            throw e;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> training = raw.get("training") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        return new TanlModel(net, tasks, training);
    }

    private static TextTokenizer tokenizer(Path dir, String kind, Path specFile) throws IOException {
        switch (kind) {
            case "word" -> {
                Path f = dir.resolve(WordVocabulary.FILE);
                if (!Files.isRegularFile(f)) {
                    throw new IllegalArgumentException("model directory '" + dir + "' has no " + WordVocabulary.FILE);
                }
                return WordVocabulary.load(f);
            }
            case "spm" -> {
                Path f = dir.resolve(SpmTokenizer.FILE);
                if (!Files.isRegularFile(f)) {
                    throw new IllegalArgumentException("model directory '" + dir + "' has no " + SpmTokenizer.FILE);
                }
                return SpmTokenizer.load(f);
            }
            case "hf" -> {
                Path f = dir.resolve(HfTokenizer.FILE);
                if (!Files.isRegularFile(f)) {
                    throw new IllegalArgumentException("model directory '" + dir + "' has no " + HfTokenizer.FILE);
                }
                return HfTokenizer.load(f);
            }
            default -> throw new FormatException(specFile, "names tokenizer '" + kind + "'; known: word, spm, hf");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<TaskSpec> tasks(Object raw, Path file) throws FormatException {
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            throw new FormatException(file, "field 'tasks' must be a non-empty list");
        }
        List<TaskSpec> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("name") instanceof String name) || !(m.get("kind") instanceof String k)
                    || !(m.get("entities") instanceof Map<?, ?> e) || !(m.get("relations") instanceof Map<?, ?> r)) {
                throw new FormatException(file, "has a task without name, kind, entities and relations: " + o);
            }
            try {
                out.add(new TaskSpec(name, TaskKind.parse(k), new Schema(strings((Map<Object, Object>) e, file),
                        strings((Map<Object, Object>) r, file))));
            } catch (IllegalArgumentException x) {
                throw new FormatException(file, x.getMessage());
            }
        }
        return out;
    }

    private static Map<String, String> strings(Map<Object, Object> m, Path file) throws FormatException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : m.entrySet()) {
            if (!(e.getValue() instanceof String v) || v.isBlank()) {
                throw new FormatException(file, "type '" + e.getKey() + "' has no natural name");
            }
            out.put(String.valueOf(e.getKey()), v);
        }
        return out;
    }

    private static int integer(Map<String, Object> raw, String key, Path file) throws FormatException {
        if (!(raw.get(key) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new FormatException(file, "field '" + key + "' must be an integer, got " + raw.get(key));
        }
        return n.intValue();
    }

    @Override
    public void close() {
        net.close();
    }
}
