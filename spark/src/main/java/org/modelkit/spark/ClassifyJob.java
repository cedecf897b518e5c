package org.modelkit.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.modelkit.api.classify.Classification;
import org.modelkit.api.congruent.FlipMetrics;
import org.modelkit.api.data.Tensor;
import org.modelkit.io.Csv;
import org.modelkit.io.Json;
import org.modelkit.io.ResultFolders;

/**
 * Batch inference on Spark: {@code classify} runs a trained classifier (what {@code modelkit:classify} runs) over a
 * large IDX file or folder of images split into partitions, and {@code flips} compares an old and a new model over
 * the same images (the negative flips of positive-congruent training). The driver reads only the input's headers and
 * checks that the model opens on the backend, so a missing or unreadable model fails the job before any partition
 * runs; each executor JVM loads a model once and keeps it for all its tasks, and runs its partitions one at a time on
 * one thread with the engine on all its cores ({@link ExecutorModels}); each task reads its own range of images,
 * classifies it and writes {@code part-NNNNN.csv} with the input's ids into the result folder
 * being built; the driver then adds {@code summary.json} and publishes the folder as a whole (a failed job leaves the
 * earlier result, or nothing). OUT must be on a file system every executor sees (or local mode).
 */
public final class ClassifyJob {
    private ClassifyJob() {
    }

    /**
     * What to run.
     *
     * @param models     the model (classify), or the old and the new model (flips): files (.onnx, .pt) or model
     *                   directories, as {@code modelkit:classify} takes them
     * @param data       an IDX images file (labels beside it) or a folder of images
     * @param backend    {@value ExecutorModels#PYTORCH} or {@value ExecutorModels#ONNX}
     * @param partitions how many partitions; 0 for Spark's default parallelism
     * @param scores     whether the parts carry every class's score (classify)
     * @param threads    the engine's threads per executor; 0 for the executor's cores
     */
    public record Options(List<Path> models, Path data, String backend, int partitions, boolean scores, int threads) {
        public Options {
            models = List.copyOf(models);
            if (!backend.equals(ExecutorModels.PYTORCH) && !backend.equals(ExecutorModels.ONNX)) {
                throw new IllegalArgumentException("--backend '" + backend + "' must be " + ExecutorModels.PYTORCH
                        + " or " + ExecutorModels.ONNX);
            }
            if (partitions < 0 || threads < 0) {
                throw new IllegalArgumentException((partitions < 0 ? "--partitions " + partitions : "--threads " + threads)
                        + " must be positive (or 0 for the default)");
            }
        }
    }

    /**
     * What came out.
     *
     * @param samples    images classified
     * @param correct    of those, predicted as labelled (-1 without labels)
     * @param flips      the flip metrics (flips), else null
     * @param loads      model loads done by tasks, summed over executors (each executor loads each model once)
     * @param partitions partitions run
     * @param backend    the backend's id
     * @param seconds    wall time of the distributed part
     */
    public record Result(long samples, long correct, FlipMetrics flips, long loads, int partitions, String backend,
            double seconds) {
        /** @return the accuracy, or NaN without labels */
        public double accuracy() {
            return correct < 0 ? Double.NaN : (double) correct / samples;
        }
    }

    /** A partition's counts: images, correct by the (first) model, correct by the new one, negative and positive flips. */
    record Part(int partition, long n, long correct, long newCorrect, long negative, long positive, String backend)
            implements Serializable {
    }

    /**
     * Runs classify (one model) or flips (two) and publishes OUT.
     *
     * @param sc  the Spark context
     * @param o   the options
     * @param out the result folder (replaced as a whole when the job succeeds)
     * @return the result
     * @throws IOException if the input or a model cannot be read (before any partition runs), or OUT not written
     */
    public static Result run(JavaSparkContext sc, Options o, Path out) throws IOException {
        boolean flips = o.models().size() == 2;
        if (o.models().size() != 1 && !flips) {
            throw new IllegalArgumentException("one model (classify) or two (flips: old, new), got " + o.models().size());
        }
        ResultFolders.checkTarget(out, "OUT '" + out + "'");
        // absolute: executors run in working directories of their own
        ImageInput input = ImageInput.of(o.data().toAbsolutePath().normalize());
        if (flips && !input.labelled()) {
            throw new IllegalArgumentException("flips needs labelled images: " + o.data() + " has no labels file beside it");
        }
        int threads = o.threads() > 0 ? o.threads() : executorCores(sc);
        String engine = o.backend();
        List<String> models = o.models().stream().map(p -> p.toAbsolutePath().normalize().toString()).toList();
        for (String m : models) {
            ExecutorModels.check(m, engine, threads); // before any partition runs
        }
        int partitions = o.partitions() == 0 ? sc.defaultParallelism() : o.partitions();
        List<int[]> ranges = input.split(partitions);
        String fail = sc.getLocalProperty(BetweennessJob.FAIL_ONCE);
        int failOnce = Integer.parseInt(fail != null ? fail : sc.getConf().get(BetweennessJob.FAIL_ONCE, "-1"));
        LongAccumulator loads = sc.sc().longAccumulator("modelkit model loads");
        boolean scores = o.scores();
        int count = ranges.size();
        Path staged = ResultFolders.stage(out);
        String stagedName = staged.toString();
        boolean done = false;
        try {
            long t0 = System.nanoTime();
            List<Part> parts = sc.parallelize(ranges, count).mapPartitions((Iterator<int[]> it) -> {
                TaskContext task = TaskContext.get();
                int id = task == null ? 0 : task.partitionId();
                if (task != null && id == failOnce && task.attemptNumber() == 0) {
                    throw new IllegalStateException("injected failure of partition " + failOnce + " ("
                            + BetweennessJob.FAIL_ONCE + "), first attempt");
                }
                List<Part> mine = new ArrayList<>();
                while (it.hasNext()) {
                    int[] r = it.next();
                    // read, classify and write on the executor's lane, one partition at a time (ExecutorModels)
                    mine.add(ExecutorModels.inLane(() -> {
                        long start = System.nanoTime();
                        Part p = flips ? flipPart(id, r, input, models, engine, threads, loads, stagedName)
                                : classifyPart(id, r, input, models.get(0), engine, threads, loads, scores, stagedName);
                        System.err.printf(Locale.ROOT, "modelkit %s: partition %d of %d: %,d images in %.2f s%n",
                                flips ? "flips" : "classify", id, count, r[1], (System.nanoTime() - start) / 1e9);
                        return p;
                    }));
                }
                return mine.iterator();
            }).collect();
            double seconds = (System.nanoTime() - t0) / 1e9;
            long n = 0;
            long correct = 0;
            long newCorrect = 0;
            long negative = 0;
            long positive = 0;
            for (Part p : parts) {
                n += p.n();
                correct += p.correct();
                newCorrect += p.newCorrect();
                negative += p.negative();
                positive += p.positive();
            }
            FlipMetrics f = flips ? new FlipMetrics((int) n, (double) correct / n, (double) newCorrect / n,
                    (double) negative / n, (double) positive / n) : null;
            Result result = new Result(n, input.labelled() ? correct : -1, f, loads.value(), count, parts.get(0).backend(),
                    seconds);
            keepOnly(staged, count); // a killed attempt's temporary file is not part of the result
            Json.write(staged.resolve("summary.json"), summary(o, input, result));
            ResultFolders.publish(staged, out);
            done = true;
            return result;
        } finally {
            if (!done) {
                ResultFolders.discard(staged);
            }
        }
    }

    /** @return the name of partition i's file */
    static String partName(int partition) {
        return String.format(Locale.ROOT, "part-%05d.csv", partition);
    }

    private static Part classifyPart(int id, int[] r, ImageInput input, String model, String engine, int threads,
            LongAccumulator loads, boolean scores, String staged) throws IOException {
        Tensor x = input.read(r[0], r[1]);
        int[] y = input.labels(r[0], r[1]);
        ExecutorModels.Model m = ExecutorModels.get(model, engine, threads);
        if (m.loadedNow()) {
            loads.add(1);
        }
        Classification c = m.classify(x);
        int classes = c.scores().dim(1);
        List<String> header = new ArrayList<>(List.of("id"));
        if (y != null) {
            header.add("label");
        }
        header.add("predicted");
        if (scores) {
            for (int k = 0; k < classes; k++) {
                header.add("score" + k);
            }
        }
        List<List<?>> rows = new ArrayList<>(r[1]);
        long correct = 0;
        for (int i = 0; i < r[1]; i++) {
            List<Object> row = new ArrayList<>(header.size());
            row.add(input.id(r[0] + i));
            if (y != null) {
                row.add(y[i]);
                correct += c.predicted()[i] == y[i] ? 1 : 0;
            }
            row.add(c.predicted()[i]);
            if (scores) {
                for (float s : c.scores().row(i)) {
                    row.add(s);
                }
            }
            rows.add(row);
        }
        Csv.writeRows(Path.of(staged, partName(id)), header, rows);
        return new Part(id, r[1], correct, 0, 0, 0, m.backend());
    }

    private static Part flipPart(int id, int[] r, ImageInput input, List<String> models, String engine, int threads,
            LongAccumulator loads, String staged) throws IOException {
        Tensor x = input.read(r[0], r[1]);
        int[] y = input.labels(r[0], r[1]);
        int[][] predicted = new int[2][];
        String backend = null;
        for (int k = 0; k < 2; k++) {
            ExecutorModels.Model m = ExecutorModels.get(models.get(k), engine, threads);
            if (m.loadedNow()) {
                loads.add(1);
            }
            predicted[k] = m.classify(x).predicted();
            backend = m.backend();
        }
        long oldOk = 0;
        long newOk = 0;
        long negative = 0;
        long positive = 0;
        List<List<?>> rows = new ArrayList<>(r[1]);
        for (int i = 0; i < r[1]; i++) {
            boolean a = predicted[0][i] == y[i];
            boolean b = predicted[1][i] == y[i];
            oldOk += a ? 1 : 0;
            newOk += b ? 1 : 0;
            negative += a && !b ? 1 : 0;
            positive += !a && b ? 1 : 0;
            // the columns of modelkit:flips's flips.csv
            rows.add(List.of(input.id(r[0] + i), y[i], predicted[0][i], predicted[1][i],
                    a && !b ? "negative" : !a && b ? "positive" : "none"));
        }
        Csv.writeRows(Path.of(staged, partName(id)), List.of("index", "label", "old", "new", "flip"), rows);
        return new Part(id, r[1], oldOk, newOk, negative, positive, backend);
    }

    /** Removes from the staged folder what is not one of the parts (a temporary file of a killed attempt). */
    private static void keepOnly(Path staged, int parts) throws IOException {
        Set<String> expected = new java.util.HashSet<>();
        for (int i = 0; i < parts; i++) {
            expected.add(partName(i));
        }
        try (Stream<Path> s = Files.list(staged)) {
            for (Path p : s.toList()) {
                if (!expected.remove(p.getFileName().toString())) {
                    Files.deleteIfExists(p);
                }
            }
        }
        if (!expected.isEmpty()) {
            throw new IOException("the job finished but its parts " + expected + " are missing from " + staged
                    + ": is OUT on a file system every executor sees?");
        }
    }

    private static Map<String, Object> summary(Options o, ImageInput input, Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", r.flips() != null ? "flips" : "classify");
        m.put("models", o.models().stream().map(Path::toString).toList());
        m.put("data", input.describe());
        m.put("backend", r.backend());
        m.put("samples", r.samples());
        m.put("partitions", r.partitions());
        m.put("modelLoads", r.loads());
        if (r.correct() >= 0 && r.flips() == null) {
            m.put("accuracy", r.accuracy());
        }
        if (r.flips() != null) {
            FlipMetrics f = r.flips();
            m.put("oldAccuracy", f.referenceAccuracy());
            m.put("newAccuracy", f.newAccuracy());
            m.put("negativeFlipRate", f.negativeFlipRate());
            m.put("negativeFlips", Math.round(f.negativeFlipRate() * r.samples()));
            m.put("positiveFlipRate", f.positiveFlipRate());
            if (Double.isFinite(f.relativeNegativeFlipRate())) {
                m.put("relativeNegativeFlipRate", f.relativeNegativeFlipRate());
            }
        }
        m.put("seconds", r.seconds());
        return m;
    }

    /**
     * @return the cores of one executor: spark.executor.cores when set, local[N]'s N in local mode, else 0 (each
     *         executor uses its machine's cores)
     */
    static int executorCores(JavaSparkContext sc) {
        SparkConf c = sc.getConf();
        if (c.contains("spark.executor.cores")) {
            return c.getInt("spark.executor.cores", 0);
        }
        return sc.isLocal() ? sc.defaultParallelism() : 0;
    }

    static final String USAGE = "usage: spark/run classify MODEL DATA OUT [--backend pytorch|onnx] [--partitions N]"
            + " [--threads T] [--scores]\n"
            + "       spark/run flips OLD NEW DATA OUT [--backend pytorch|onnx] [--partitions N] [--threads T]";

    /**
     * @param job  "classify" or "flips"
     * @param args the arguments after the job's name
     * @return the options and OUT
     */
    static Object[] parse(String job, List<String> args) {
        boolean flips = job.equals("flips");
        Args a = Args.parse(job, args, flips ? 4 : 3, Set.of("--backend", "--partitions", "--threads"),
                flips ? Set.of() : Set.of("--scores"), USAGE);
        int k = flips ? 2 : 1;
        List<Path> models = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            models.add(Path.of(a.positional(i)));
        }
        return new Object[] {new Options(models, Path.of(a.positional(k)), a.string("--backend", ExecutorModels.PYTORCH),
                a.integer("--partitions", 0), a.flag("--scores"), a.integer("--threads", 0)), Path.of(a.positional(k + 1))};
    }
}
