package org.modelkit.translator.tanl.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.modelkit.api.method.Capability;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.translate.StructuredOutput;
import org.modelkit.api.translate.StructuredTranslator;
import org.modelkit.api.translate.Translation;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.api.TensorMethod;
import org.modelkit.translator.tanl.format.Coreference;
import org.modelkit.translator.tanl.format.Span;
import org.modelkit.translator.tanl.format.TaskKind;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The translator "tanl": a transformer encoder-decoder from the configured model directory rewrites the input in
 * TANL's augmented language, and the task's decoder reads entities, relations, labels, chains or slots back from it.
 * Computes on the {@link TensorBackend} it is bound to (training needs autograd).
 */
@Component(service = {StructuredTranslator.class, Method.class}, configurationPid = TanlTranslator.PID, immediate = true,
        property = Method.NAME_PROPERTY + "=" + TanlModel.METHOD)
@Designate(ocd = TanlConfig.class)
public class TanlTranslator extends TensorMethod implements StructuredTranslator {
    /** The configuration PID. */
    public static final String PID = "org.modelkit.translator.tanl";
    /** Coreference documents are read in chunks of this many words ... */
    static final int CHUNK = 128;
    /** ... overlapping by this many (the paper's evaluation setting). */
    static final int OVERLAP = 64;

    /**
     * The checked settings.
     *
     * @param model     the model directory, or null
     * @param beams     beams of the search, 1 greedy
     * @param maxInput  the longest input in tokens, 0 the model's
     * @param maxOutput the longest output in tokens, 0 the model's
     */
    record Settings(Path model, int beams, int maxInput, int maxOutput) {
        Settings {
            if (beams < 1 || beams > 64) {
                throw new IllegalArgumentException("beams = " + beams + " must lie in [1, 64]");
            }
            if (maxInput < 0 || maxOutput < 0) {
                throw new IllegalArgumentException("maxInput = " + maxInput + " and maxOutput = " + maxOutput
                        + " must be >= 0 (0: the model's own)");
            }
        }
    }

    private record Loaded(Path dir, FileTime modified, TensorBackend backend, TanlModel model) {
    }

    private volatile Settings settings;
    private Loaded loaded;

    /**
     * @param context for the bundle's version
     * @param config  the settings
     */
    @Activate
    public TanlTranslator(BundleContext context, TanlConfig config) {
        this(context.getBundle().getVersion().toString(), settings(config));
    }

    TanlTranslator(String version, Settings settings) {
        super(new MethodDescriptor(TanlModel.METHOD, "TANL: entities, relations and other structure by translation into"
                + " an augmented natural language", "arXiv:2101.05779", version, Set.of(Capability.AUTOGRAD)));
        this.settings = settings;
    }

    /** Binds a backend outside a framework (unit tests). */
    void bind(TensorBackend b) {
        bindBackend(b);
    }

    /** A new configuration: checked first, so a bad one leaves the previous settings in force. */
    @Modified
    void modified(TanlConfig c) {
        settings = settings(c);
    }

    static Settings settings(TanlConfig c) {
        return new Settings(c.model().isBlank() ? null : Path.of(c.model()), c.beams(), c.maxInput(), c.maxOutput());
    }

    Settings settings() {
        return settings;
    }

    @Deactivate
    synchronized void deactivate() {
        if (loaded != null) {
            loaded.model().close();
            loaded = null;
        }
    }

    /**
     * @param dir a model directory, or null for the configured one
     * @return the model, loaded again when the directory, its model.json or the backend changed
     */
    synchronized TanlModel model(Path dir) {
        Path d = dir != null ? dir : settings.model();
        if (d == null) {
            throw new IllegalArgumentException("no TANL model is configured: set 'model' of PID " + PID
                    + " to a directory written by modelkit:tanltrain, or pass one with -m");
        }
        TensorBackend b = backend();
        try {
            Path spec = d.resolve(TanlModel.SPEC);
            FileTime t = Files.isRegularFile(spec) ? Files.getLastModifiedTime(spec) : null;
            if (loaded != null && loaded.dir().equals(d) && loaded.backend() == b && t != null
                    && t.equals(loaded.modified())) {
                return loaded.model();
            }
            TanlModel m = TanlModel.load(d, b);
            if (loaded != null) {
                loaded.model().close();
            }
            loaded = new Loaded(d, t, b, m);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TANL model '" + d + "': " + e.getMessage(), e);
        }
    }

    @Override
    public Set<String> tasks() {
        if (settings.model() == null) {
            return Set.of();
        }
        return new LinkedHashSet<>(model(null).tasks().keySet());
    }

    @Override
    public StructuredOutput translate(String task, String sentence) {
        if (sentence == null || sentence.isBlank()) {
            throw new IllegalArgumentException("sentence is " + (sentence == null ? "null" : "blank"));
        }
        return translateDetailed(task, sentence).output();
    }

    @Override
    public Translation translateDetailed(String task, String input) {
        if (input == null) {
            throw new IllegalArgumentException("the input is null");
        }
        return translate(null, task, List.of(input), Progress.NONE).get(0);
    }

    /**
     * Translates inputs of one task in batches (greedy) or one by one (beam search).
     *
     * @param dir      a model directory, or null for the configured one
     * @param task     a task of the model; null or empty for its only task
     * @param inputs   the inputs, none blank
     * @param progress one "sentences" report per batch; may cancel between batches
     * @return each input's translation
     * @throws IllegalArgumentException naming the input and the problem: blank, too long, unknown task
     */
    synchronized List<Translation> translate(Path dir, String task, List<String> inputs, Progress progress) {
        TanlModel m = model(dir);
        TaskSpec t = task(m, task);
        Settings s = settings;
        int maxIn = s.maxInput() == 0 ? m.net().maxSource() : Math.min(s.maxInput(), m.net().maxSource());
        int maxOut = s.maxOutput() == 0 ? m.net().maxTarget() : Math.min(s.maxOutput(), m.net().maxTarget());
        List<Reading.Input> split = new ArrayList<>();
        List<int[]> ids = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String in = inputs.get(i);
            String which = inputs.size() == 1 ? "the input" : "input " + (i + 1);
            if (in == null || in.isBlank()) {
                throw new IllegalArgumentException(which + " is blank");
            }
            Reading.Input r = Reading.split(t, in);
            if (t.kind() != TaskKind.COREFERENCE) {
                int[] x = m.net().vocabulary().encode(m.input(t.name(), r.text()));
                if (x.length > maxIn) {
                    throw new IllegalArgumentException(which + " has " + x.length + " tokens; the model takes at most "
                            + maxIn);
                }
                ids.add(x);
            }
            split.add(r);
        }
        List<Translation> out = new ArrayList<>();
        int batch = 32;
        for (int from = 0; from < split.size(); from += batch) {
            progress.checkCancelled();
            List<Reading.Input> part = split.subList(from, Math.min(split.size(), from + batch));
            if (t.kind() == TaskKind.COREFERENCE) {
                for (Reading.Input r : part) {
                    out.add(coreference(m, t, r, s.beams(), maxOut));
                }
            } else {
                List<String> texts = new ArrayList<>();
                for (Reading.Input r : part) {
                    texts.add(m.input(t.name(), r.text()));
                }
                List<String> outputs = generate(m, texts, ids.subList(from, from + part.size()), s.beams(), maxOut);
                for (int i = 0; i < part.size(); i++) {
                    out.add(Reading.read(t, part.get(i), outputs.get(i)));
                }
            }
            progress.report("sentences", Math.min(split.size(), from + batch), split.size());
        }
        return out;
    }

    /**
     * Trains a model and writes its directory as a whole (model.json, weights.bin, vocab.txt, loss.csv, loss.png);
     * nothing is written if training fails or is cancelled.
     *
     * @param examples the training sentences
     * @param task     their task
     * @param options  the settings
     * @param out      the model directory to write
     * @param progress every step; may cancel
     * @return the training's report
     */
    TanlTraining.Trained train(List<Example> examples, TaskSpec task, TanlTraining.Options options, Path out,
            Progress progress) throws IOException {
        return train(examples, task, options, null, out, progress);
    }

    /**
     * @param spm a SentencePiece model for the tokenizer, or null for a word vocabulary of the training texts
     * @see #train(List, TaskSpec, TanlTraining.Options, Path, Progress)
     */
    TanlTraining.Trained train(List<Example> examples, TaskSpec task, TanlTraining.Options options, Path spm, Path out,
            Progress progress) throws IOException {
        org.modelkit.io.ResultFolders.checkTarget(out, "model directory '" + out + "'");
        TextTokenizer tok = spm == null ? null : SpmTokenizer.load(spm);
        TanlTraining.Trained t;
        try {
            t = TanlTraining.train(examples, task, options, tok, backend(), progress);
        } catch (RuntimeException e) {
            if (tok instanceof SpmTokenizer s) {
                s.close();
            }
            throw e;
        }
        try {
            org.modelkit.io.ResultFolders.write(out, dir -> {
                t.model().save(dir);
                List<List<?>> rows = new ArrayList<>();
                for (int i = 0; i < t.losses().length; i++) {
                    rows.add(List.of(i + 1, t.losses()[i]));
                }
                org.modelkit.io.Csv.writeRows(dir.resolve("loss.csv"), List.of("step", "loss"), rows);
                org.modelkit.io.LinePlot.write(dir.resolve("loss.png"), "TANL training, task " + task.name(), "step",
                        "cross-entropy per target token", true, List.of(org.modelkit.io.LinePlot.Series.of("loss",
                                t.losses(), 0x1f77b4, false)));
            });
        } finally {
            t.model().close();
        }
        return t;
    }

    /**
     * @param m    a model
     * @param task a task name; null or empty for the model's only task
     * @return the task's spec
     * @throws IllegalArgumentException naming the known tasks if the name is unknown, or none is given and there are
     *                                  several
     */
    static TaskSpec task(TanlModel m, String task) {
        if (task != null && !task.isEmpty()) {
            return m.task(task);
        }
        if (m.tasks().size() != 1) {
            throw new IllegalArgumentException("the model has several tasks; name one of: " + String.join(", ",
                    m.tasks().keySet()));
        }
        return m.tasks().values().iterator().next();
    }

    /** @return the model's outputs for the texts: greedy in one batch, or beam search per text */
    static List<String> generate(TanlModel m, List<String> texts, int beams, int maxOut) {
        List<int[]> src = new ArrayList<>();
        for (String x : texts) {
            src.add(m.net().vocabulary().encode(x));
        }
        return generate(m, texts, src, beams, maxOut);
    }

    /** @return the outputs for texts already encoded as src */
    private static List<String> generate(TanlModel m, List<String> texts, List<int[]> src, int beams, int maxOut) {
        TextTokenizer tok = m.net().vocabulary();
        List<String> out = new ArrayList<>();
        if (beams == 1) {
            List<int[]> ids = m.net().greedy(src, maxOut);
            for (int i = 0; i < ids.size(); i++) {
                out.add(tok.decode(ids.get(i), texts.get(i)));
            }
        } else {
            for (int i = 0; i < src.size(); i++) {
                out.add(tok.decode(m.net().beam(src.get(i), beams, 1.0, maxOut), texts.get(i)));
            }
        }
        return out;
    }

    /** A document in chunks of {@value #CHUNK} words overlapping by {@value #OVERLAP}, the links merged. */
    private static Translation coreference(TanlModel m, TaskSpec t, Reading.Input r, int beams, int maxOut) {
        List<String> words = r.words();
        List<Coreference.Chunk> chunks = Coreference.chunks(words, CHUNK, OVERLAP);
        List<String> texts = new ArrayList<>();
        for (Coreference.Chunk c : chunks) {
            texts.add(m.input(t.name(), String.join(" ", c.tokens())));
        }
        List<String> outputs = generate(m, texts, beams, maxOut);
        Map<Coreference.Chunk, List<Coreference.Link>> links = new LinkedHashMap<>();
        boolean wrong = false;
        for (int i = 0; i < chunks.size(); i++) {
            links.put(chunks.get(i), Coreference.decode(chunks.get(i).tokens(), outputs.get(i)));
            wrong |= org.modelkit.translator.tanl.format.AugmentedLanguage.parse(chunks.get(i).tokens(), outputs.get(i))
                    .wrongReconstruction();
        }
        List<List<Span>> chains = Coreference.merge(links);
        return Reading.coreference(r, String.join("\n", outputs), chains, wrong);
    }
}
