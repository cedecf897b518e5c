package org.modelkit.translator.tanl.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.modelkit.api.translate.Entity;
import org.modelkit.api.translate.Relation;
import org.modelkit.api.translate.StructuredTranslator;
import org.modelkit.api.translate.Translation;
import org.modelkit.io.AtomicFiles;
import org.modelkit.io.Csv;
import org.modelkit.io.Json;
import org.modelkit.io.ResultFolders;
import org.modelkit.shell.format.Args;
import org.modelkit.shell.format.ConsoleProgress;
import org.modelkit.shell.format.Methods;
import org.modelkit.shell.format.Models;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.TextTable;
import org.modelkit.translator.tanl.format.Prf;
import org.modelkit.translator.tanl.format.Schema;
import org.modelkit.translator.tanl.format.Span;
import org.modelkit.translator.tanl.format.SpanRelation;
import org.modelkit.translator.tanl.format.TaskKind;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code modelkit:translate} (a sentence, or a JSONL data set scored), {@code modelkit:tanltrain} (a model from
 * JSONL) and {@code modelkit:tanldata} (the toy NER or CoNLL04-like data as JSONL). They parse, check and call the
 * translator.
 */
@Component(service = TanlCommands.class)
@GogoCommand(scope = "modelkit", function = {"translate", "tanltrain", "tanldata"})
public class TanlCommands {
    private final BundleContext context;

    /** @param context to find the translator and the model store */
    @Activate
    public TanlCommands(BundleContext context) {
        this.context = context;
    }

    private static TanlTranslator held(Methods.Held<StructuredTranslator> h, String method) {
        if (!(h.get() instanceof TanlTranslator t)) {
            throw new IllegalArgumentException("method '" + method + "' is not the TANL translator of this bundle");
        }
        return t;
    }

    /** @return the translation of a sentence, or a data set's scores */
    @Descriptor("TANL: a sentence rewritten with its entities and relations inline, or a JSONL data set translated and"
            + " scored (-f)")
    public Object translate(
            @Descriptor("the StructuredTranslator to run (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = TanlModel.METHOD) String method,
            @Descriptor("the model: a stored model or a model folder (default: the configured one)")
            @Parameter(names = {"--model"}, absentValue = "") String modelArg,
            @Descriptor("the task (default: the model's only one)")
            @Parameter(names = {"-t", "--task"}, absentValue = "") String task,
            @Descriptor("a SpERT JSONL data set to translate and score instead of a sentence")
            @Parameter(names = {"-f", "--file"}, absentValue = "") String file,
            @Descriptor("with -f: the folder for predictions.jsonl and metrics.csv, written as a whole")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out,
            @Descriptor("the sentence (quote it, or give its words)") String... words) throws IOException {
        Methods.find(context, StructuredTranslator.class, "translator", method);
        Path model = modelArg.isEmpty() ? null : Models.resolve(context, modelArg).path();
        if (!file.isEmpty()) {
            if (words != null && words.length > 0) {
                throw new IllegalArgumentException("give either -f DATA.jsonl or a sentence, not both");
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("-o DIR is missing: the folder for predictions.jsonl and metrics.csv");
            }
            if (!Files.isRegularFile(Path.of(file))) {
                throw new IllegalArgumentException("data file '" + file + "' does not exist");
            }
            return score(method, model, task, Path.of(file), Path.of(out));
        }
        if (words == null || words.length == 0) {
            throw new IllegalArgumentException("no sentence given (or -f DATA.jsonl)");
        }
        String sentence = String.join(" ", words);
        return Methods.using(context, StructuredTranslator.class, "translator", method, h -> {
            Translation t = held(h, method).translate(model, task, List.of(sentence), org.modelkit.api.progress.Progress.NONE)
                    .get(0);
            StringBuilder b = new StringBuilder();
            b.append(t.output().augmented()).append('\n');
            List<List<String>> rows = new ArrayList<>();
            for (int i = 0; i < t.output().entities().size(); i++) {
                Entity e = t.output().entities().get(i);
                rows.add(List.of(String.valueOf(i), String.valueOf(e.start()), String.valueOf(e.end()), e.type(), e.text()));
            }
            if (!rows.isEmpty()) {
                b.append(new TextTable(List.of("#", "start", "end", "type", "text"), rows).render()).append('\n');
            }
            List<List<String>> rel = new ArrayList<>();
            for (Relation r : t.output().relations()) {
                rel.add(List.of(t.output().entities().get(r.head()).text(), r.type(), t.output().entities().get(r.tail())
                        .text()));
            }
            if (!rel.isEmpty()) {
                b.append(new TextTable(List.of("head", "relation", "tail"), rel).render()).append('\n');
            }
            if (t.label() != null) {
                b.append("label: ").append(t.label()).append('\n');
            }
            for (List<Entity> c : t.clusters()) {
                b.append("chain: ").append(c.stream().map(Entity::text).toList()).append('\n');
            }
            t.slots().forEach(s -> b.append("slot: ").append(s.domain()).append(" / ").append(s.slot()).append(" = ")
                    .append(s.value()).append('\n'));
            if (!t.errors().isEmpty()) {
                b.append("errors: ").append(t.errors()).append('\n');
            }
            return b.toString().stripTrailing();
        });
    }

    /** Translates a JSONL data set in batches and scores entities and relations exactly (in the data's tokens). */
    private Summary score(String method, Path model, String task, Path file, Path out) throws IOException {
        ResultFolders.checkTarget(out, "-o '" + out + "'");
        return Methods.using(context, StructuredTranslator.class, "translator", method, h -> {
            TanlTranslator tanl = held(h, method);
            TanlModel m = tanl.model(model);
            TaskSpec spec = TanlTranslator.task(m, task);
            List<Example> data = SpertJsonl.read(file, spec.schema()).examples();
            List<String> inputs = new ArrayList<>();
            for (Example e : data) {
                inputs.add(e.input());
            }
            List<Translation> got = tanl.translate(model, spec.name(), inputs, new ConsoleProgress(System.out, 1000));
            Prf entities = Prf.ZERO;
            Prf relations = Prf.ZERO;
            Map<Translation.Error, Integer> errors = new EnumMap<>(Translation.Error.class);
            for (Translation.Error x : Translation.Error.values()) {
                errors.put(x, 0);
            }
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < data.size(); i++) {
                Example e = data.get(i);
                Example p = predicted(e, got.get(i), spec.schema());
                entities = entities.plus(Prf.of(p.entities(), e.entities()));
                relations = relations.plus(Prf.of(p.relations(), e.relations()));
                got.get(i).errors().forEach(x -> errors.merge(x, 1, Integer::sum));
                Map<String, Object> line = new LinkedHashMap<>(SpertJsonl.toJson(p, spec.schema()));
                line.put("output", got.get(i).output().augmented());
                line.put("errors", got.get(i).errors().stream().map(Enum::name).sorted().toList());
                line.put("gold", SpertJsonl.toJson(e, spec.schema()));
                lines.append(Json.toLine(line)).append('\n');
            }
            // entity and relation rows: scores and counts; error rows: the number of sentences with that error
            List<List<?>> rows = new ArrayList<>();
            rows.add(List.of("entity", fmt(entities.precision()), fmt(entities.recall()), fmt(entities.f1()), entities.correct(),
                    entities.predicted(), entities.gold(), data.size()));
            rows.add(List.of("relation", fmt(relations.precision()), fmt(relations.recall()), fmt(relations.f1()),
                    relations.correct(), relations.predicted(), relations.gold(), data.size()));
            for (Map.Entry<Translation.Error, Integer> x : errors.entrySet()) {
                rows.add(List.of("error " + x.getKey().name().toLowerCase(Locale.ROOT), "", "", "", "", "", "", x.getValue()));
            }
            String text = lines.toString();
            ResultFolders.write(out, dir -> {
                AtomicFiles.writeString(dir.resolve("predictions.jsonl"), text);
                Csv.writeRows(dir.resolve("metrics.csv"), List.of("metric", "precision", "recall", "f1", "correct",
                        "predicted", "gold", "sentences"), rows);
            });
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("entities", String.format(Locale.ROOT, "P %.3f R %.3f F1 %.3f (%d of %d predicted, %d gold)",
                    entities.precision(), entities.recall(), entities.f1(), entities.correct(), entities.predicted(),
                    entities.gold()));
            fields.put("relations", String.format(Locale.ROOT, "P %.3f R %.3f F1 %.3f (%d of %d predicted, %d gold)",
                    relations.precision(), relations.recall(), relations.f1(), relations.correct(), relations.predicted(),
                    relations.gold()));
            StringBuilder err = new StringBuilder();
            errors.forEach((k, v) -> err.append(err.length() == 0 ? "" : ", ").append(k.name().toLowerCase(Locale.ROOT))
                    .append(' ').append(v));
            fields.put("errors", err + " (sentences with each kind)");
            fields.put("written", out.resolve("predictions.jsonl") + ", " + out.resolve("metrics.csv"));
            return new Summary(String.format(Locale.ROOT, "%d sentences of %s, task %s: entity F1 %.3f, relation F1 %.3f",
                    data.size(), file, spec.name(), entities.f1(), relations.f1()), fields);
        });
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /**
     * @return the translation as an example in the data's own tokens: an entity's characters are mapped to the tokens
     *         that hold them (the input is the data's tokens joined by single spaces)
     */
    static Example predicted(Example e, Translation t, Schema schema) {
        int[] startOf = new int[e.tokens().size()];
        int pos = 0;
        for (int i = 0; i < startOf.length; i++) {
            startOf[i] = pos;
            pos += e.tokens().get(i).length() + 1;
        }
        List<Span> spans = new ArrayList<>();
        for (Entity x : t.output().entities()) {
            int s = tokenAt(startOf, x.start());
            int end = tokenAt(startOf, x.end() - 1) + 1;
            String natural = schema.entities().getOrDefault(x.type(), x.type());
            spans.add(new Span(natural, s, end));
        }
        List<SpanRelation> rel = new ArrayList<>();
        for (Relation r : t.output().relations()) {
            rel.add(new SpanRelation(schema.relations().getOrDefault(r.type(), r.type()), spans.get(r.head()),
                    spans.get(r.tail())));
        }
        return new Example(e.tokens(), new ArrayList<>(new java.util.LinkedHashSet<>(spans)), rel);
    }

    private static int tokenAt(int[] startOf, int c) {
        int i = java.util.Arrays.binarySearch(startOf, c);
        return i >= 0 ? i : -i - 2;
    }

    /** @return the training's figures */
    @Descriptor("TANL: train a transformer from scratch on a SpERT JSONL data set (model.json, weights.bin, the tokenizer,"
            + " loss.csv and loss.png)")
    public Summary tanltrain(
            @Descriptor("the translator that trains (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = TanlModel.METHOD) String method,
            @Descriptor("the task kind: ner (entities) or jer (entities and relations)")
            @Parameter(names = {"-t", "--task"}, absentValue = "jer") String kindArg,
            @Descriptor("the task's name in the model (default: conll04 for CoNLL04's types, else the kind)")
            @Parameter(names = {"--name"}, absentValue = "") String name,
            @Descriptor("Adam steps")
            @Parameter(names = {"-s", "--steps"}, absentValue = "400") String stepsArg,
            @Descriptor("sentences per step")
            @Parameter(names = {"-b", "--batch"}, absentValue = "64") String batchArg,
            @Descriptor("Adam's learning rate")
            @Parameter(names = {"--lr"}, absentValue = "0.001") String lrArg,
            @Descriptor("the transformer: toy (d 64, 2+2 layers) or small (d 64, 3+3 layers)")
            @Parameter(names = {"--size"}, absentValue = "toy") String size,
            @Descriptor("word (a vocabulary of the training words) or a SentencePiece model file (spiece.model)")
            @Parameter(names = {"--tokenizer"}, absentValue = "word") String tokenizer,
            @Descriptor("a word tokenizer keeps words seen this often; rarer ones become positional placeholders")
            @Parameter(names = {"--min-count"}, absentValue = "5") String minCountArg,
            @Descriptor("the seed of initialisation and batch order")
            @Parameter(names = {"--seed"}, absentValue = "1") String seedArg,
            @Descriptor("the model folder to write, as a whole")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out,
            @Descriptor("the training data (SpERT JSONL)") String data) throws IOException {
        Methods.find(context, StructuredTranslator.class, "translator", method);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("-o DIR is missing: the folder for the model");
        }
        Path outDir = Path.of(out);
        ResultFolders.checkTarget(outDir, "-o '" + out + "'");
        TaskKind kind = TaskKind.parse(kindArg);
        if (kind != TaskKind.NER && kind != TaskKind.JOINT_ER) {
            throw new IllegalArgumentException("training takes task kinds ner and jer, not '" + kindArg + "' (-t)");
        }
        int steps = Args.wholeNumber("-s", stepsArg, 1, 10_000_000);
        int batch = Args.wholeNumber("-b", batchArg, 1, 100_000);
        double lr = Args.number("--lr", lrArg, 0, 1, true);
        long seed = Args.longNumber("--seed", seedArg, Long.MIN_VALUE, Long.MAX_VALUE);
        int layers = switch (size) {
            case "toy" -> 2;
            case "small" -> 3;
            default -> throw new IllegalArgumentException("--size must be toy or small, got '" + size + "'");
        };
        Path spm = null;
        if (!tokenizer.equals("word")) {
            spm = Path.of(tokenizer);
            if (!Files.isRegularFile(spm)) {
                throw new IllegalArgumentException("--tokenizer '" + tokenizer + "' is neither word nor a SentencePiece"
                        + " model file");
            }
        }
        Path dataFile = Path.of(data);
        if (!Files.isRegularFile(dataFile)) {
            throw new IllegalArgumentException("training data '" + data + "' does not exist");
        }
        SpertJsonl.Read read = SpertJsonl.read(dataFile, null);
        Schema schema = kind == TaskKind.NER ? new Schema(read.schema().entities(), Map.of()) : read.schema();
        String taskName = !name.isEmpty() ? name
                : Schema.CONLL04.entities().keySet().containsAll(schema.entities().keySet()) ? "conll04" : kind.label();
        TaskSpec task = new TaskSpec(taskName, kind, schema);
        Path tokenizerFile = spm;
        return Methods.using(context, StructuredTranslator.class, "translator", method, h -> {
            TanlTraining.Trained t = held(h, method).train(read.examples(), task, new TanlTraining.Options(steps, batch, lr,
                    seed, 64, layers, 4, 256, Args.wholeNumber("--min-count", minCountArg, 1, 1_000_000)), tokenizerFile, outDir,
                    new ConsoleProgress(System.out, 2000));
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("model", t.model().net().describe());
            fields.put("loss", String.format(Locale.ROOT, "%.3f -> %.4f (mean of the last 20 steps)", t.losses()[0],
                    TanlTraining.tailMean(t.losses(), 20)));
            fields.put("written", outDir + " (model.json, weights.bin, " + (tokenizerFile == null ? WordVocabulary.FILE
                    : SpmTokenizer.FILE) + ", loss.csv, loss.png)");
            return new Summary(String.format(Locale.ROOT, "TANL task %s (%s) trained on %d sentences: %d steps in %.1f s",
                    taskName, kind.label(), read.examples().size(), steps, t.seconds()), fields);
        });
    }

    /** @return what was written */
    @Descriptor("TANL data: the toy NER sentences or the CoNLL04-like corpus as SpERT JSONL (and, with --text, a plain"
            + " text of its inputs and augmented outputs for spm_train)")
    public Summary tanldata(
            @Descriptor("toy or conll04")
            @Parameter(names = {"-k", "--kind"}, absentValue = "conll04") String kind,
            @Descriptor("sentences")
            @Parameter(names = {"-n", "--count"}, absentValue = "1000") String countArg,
            @Descriptor("conll04: train, test (held-out names) or unseen (held-out names and templates)")
            @Parameter(names = {"--split"}, absentValue = "train") String split,
            @Descriptor("the generator's seed")
            @Parameter(names = {"-s", "--seed"}, absentValue = "1") String seedArg,
            @Descriptor("also write this plain text file")
            @Parameter(names = {"--text"}, absentValue = "") String text,
            @Descriptor("the JSONL file to write") String out) throws IOException {
        int n = Args.wholeNumber("-n", countArg, 1, 10_000_000);
        long seed = Args.longNumber("--seed", seedArg, Long.MIN_VALUE, Long.MAX_VALUE);
        List<Example> data;
        Schema schema;
        switch (kind) {
            case "toy" -> {
                data = ToyNer.generate(n, seed);
                schema = new Schema(Schema.ordered("PER", "person", "LOC", "location"), Map.of());
            }
            case "conll04" -> {
                Conll04Like.Split s = switch (split) {
                    case "train" -> Conll04Like.Split.TRAIN;
                    case "test" -> Conll04Like.Split.TEST;
                    case "unseen" -> Conll04Like.Split.UNSEEN_TEMPLATES;
                    default -> throw new IllegalArgumentException("--split must be train, test or unseen, got '" + split + "'");
                };
                data = Conll04Like.load().generate(n, s, seed);
                schema = Schema.CONLL04;
            }
            default -> throw new IllegalArgumentException("-k must be toy or conll04, got '" + kind + "'");
        }
        StringBuilder jsonl = new StringBuilder();
        StringBuilder plain = new StringBuilder();
        for (Example e : data) {
            jsonl.append(Json.toLine(SpertJsonl.toJson(e, schema))).append('\n');
            plain.append(e.input()).append('\n').append(e.output()).append('\n');
        }
        AtomicFiles.writeString(Path.of(out), jsonl.toString());
        if (!text.isEmpty()) {
            AtomicFiles.writeString(Path.of(text), plain.toString());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("example", data.get(0).output());
        fields.put("written", out + (text.isEmpty() ? "" : ", " + text));
        return new Summary(String.format(Locale.ROOT, "%d %s sentences (%s, seed %d)", n, kind, split, seed), fields);
    }
}
