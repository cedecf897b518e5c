package org.modelkit.translator.tanl.internal;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.nn.GradientGuard;

/**
 * A trained or trainable {@link Seq2SeqBlock} with its word vocabulary: teacher-forced training with a masked
 * cross-entropy and Adam, batched greedy decoding and beam search.
 */
final class Seq2SeqModel implements Generator {
    private final Model model;
    private final Seq2SeqBlock block;
    private final TextTokenizer vocabulary;

    private Seq2SeqModel(Model model, TextTokenizer vocabulary) {
        this.model = model;
        this.block = (Seq2SeqBlock) model.getBlock();
        this.vocabulary = vocabulary;
    }

    /**
     * @param backend    where the model lives
     * @param spec       its size (the vocabulary's size must match)
     * @param vocabulary its words
     * @param seed       the initialisation's seed
     * @return a newly initialised model (close it)
     */
    static Seq2SeqModel create(TensorBackend backend, Seq2SeqSpec spec, TextTokenizer vocabulary, long seed) {
        if (spec.vocabulary() != vocabulary.size()) {
            throw new IllegalArgumentException("the spec's vocabulary of " + spec.vocabulary() + " differs from the "
                    + vocabulary.size() + " words");
        }
        Model model = backend.newModel("tanl");
        boolean done = false;
        try {
            model.getNDManager().getEngine().setRandomSeed((int) seed);
            model.setBlock(new Seq2SeqBlock(spec));
            Shape ids = new Shape(1, 2);
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, ids, ids, ids, ids);
            done = true;
            return new Seq2SeqModel(model, vocabulary);
        } finally {
            if (!done) {
                model.close();
            }
        }
    }

    Seq2SeqSpec spec() {
        return block.spec();
    }

    @Override
    public TextTokenizer vocabulary() {
        return vocabulary;
    }

    @Override
    public int maxSource() {
        return spec().maxSource();
    }

    @Override
    public int maxTarget() {
        return spec().maxTarget();
    }

    @Override
    public String describe() {
        return spec().toString().replace("Seq2SeqSpec", "transformer") + ", " + size() + " parameters, tokenizer "
                + vocabulary.kind();
    }

    /** @return the parameters in a fixed order (the weights file's) */
    List<NDArray> parameters() {
        List<NDArray> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.add(p.getValue().getArray());
        }
        return out;
    }

    /** @return the number of trainable scalars */
    long size() {
        long n = 0;
        for (NDArray a : parameters()) {
            n += a.size();
        }
        return n;
    }

    /**
     * A source and its target, as token ids ending in {@link WordVocabulary#EOS}.
     *
     * @param source the input
     * @param target the augmented output
     */
    record Pair2(int[] source, int[] target) {
    }

    /**
     * @param steps        Adam steps, at least 1
     * @param batch        examples per step
     * @param learningRate Adam's step size
     * @param seed         the batch order
     */
    record TrainOptions(int steps, int batch, double learningRate, long seed) {
        TrainOptions {
            if (steps < 1 || batch < 1) {
                throw new IllegalArgumentException("steps = " + steps + " and batch = " + batch + " must be at least 1");
            }
            if (!(learningRate > 0 && Double.isFinite(learningRate))) {
                throw new IllegalArgumentException("learning rate = " + learningRate + " must be finite and > 0");
            }
        }
    }

    /**
     * The mean over real target tokens of −log p(target token): padding does not count.
     * Labels: the targets {@code [B, T]} (int32) and their mask {@code [B, T]}; prediction: logits {@code [B, T, V]}.
     */
    static final class MaskedCrossEntropy extends Loss {
        MaskedCrossEntropy() {
            super("MaskedCrossEntropy");
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray logits = predictions.singletonOrThrow();
            NDArray logp = logits.logSoftmax(2);
            // gather, not a one-hot product: with T5-sized vocabularies the one-hot array is as large as the logits
            NDArray target = labels.get(0).toType(DataType.INT64, false).expandDims(2);
            NDArray picked = logp.gather(target, 2).squeeze(2);
            NDArray mask = labels.get(1);
            return picked.mul(mask).sum().neg().div(mask.sum());
        }
    }

    /** @return the examples' rows as padded id and mask arrays: source, source mask, decoder input, its mask, target */
    private static NDList batch(NDManager m, List<Pair2> examples) {
        int b = examples.size();
        int s = 0;
        int t = 0;
        for (Pair2 e : examples) {
            s = Math.max(s, e.source().length);
            t = Math.max(t, e.target().length);
        }
        int[] src = new int[b * s];
        float[] srcMask = new float[b * s];
        int[] in = new int[b * t];
        int[] out = new int[b * t];
        float[] tgtMask = new float[b * t];
        for (int i = 0; i < b; i++) {
            Pair2 e = examples.get(i);
            for (int k = 0; k < e.source().length; k++) {
                src[i * s + k] = e.source()[k];
                srcMask[i * s + k] = 1;
            }
            for (int k = 0; k < e.target().length; k++) {
                in[i * t + k] = k == 0 ? TextTokenizer.PAD : e.target()[k - 1]; // the decoder starts from padding, as T5
                out[i * t + k] = e.target()[k];
                tgtMask[i * t + k] = 1;
            }
        }
        return new NDList(m.create(src, new Shape(b, s)), m.create(srcMask, new Shape(b, s)), m.create(in, new Shape(b, t)),
                m.create(tgtMask, new Shape(b, t)), m.create(out, new Shape(b, t)));
    }

    /**
     * Teacher-forced training in place: each step draws the next batch of a seeded shuffle (reshuffled per epoch).
     *
     * @return the loss of each step
     */
    double[] train(List<Pair2> examples, TrainOptions o, Progress progress) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("there are no training examples");
        }
        for (Pair2 e : examples) {
            if (e.source().length > spec().maxSource() || e.target().length > spec().maxTarget()) {
                throw new IllegalArgumentException("an example of " + e.source().length + " source and " + e.target().length
                        + " target tokens exceeds the model's maxima " + spec().maxSource() + " and " + spec().maxTarget());
            }
        }
        double[] losses = new double[o.steps()];
        Random order = new Random(o.seed());
        int n = examples.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        int next = n;
        int b = Math.min(o.batch(), n);
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) o.learningRate())).build();
        try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(new MaskedCrossEntropy()).optOptimizer(adam))) {
            GradientGuard guard = new GradientGuard();
            for (int step = 0; step < o.steps(); step++) {
                progress.checkCancelled();
                if (next + b > n) {
                    org.modelkit.api.data.Sampling.shuffle(idx, order);
                    next = 0;
                }
                List<Pair2> rows = new ArrayList<>(b);
                for (int i = 0; i < b; i++) {
                    rows.add(examples.get(idx[next + i]));
                }
                next += b;
                try (NDManager m = model.getNDManager().newSubManager()) {
                    NDList x = batch(m, rows);
                    NDList inputs = new NDList(x.get(0), x.get(1), x.get(2), x.get(3));
                    NDList labels = new NDList(x.get(4), x.get(3));
                    losses[step] = guard.step(trainer, adam, () -> trainer.getLoss().evaluate(labels, trainer.forward(inputs)));
                }
                progress.report("steps", step + 1, o.steps());
            }
        }
        return losses;
    }

    /** @return the source ids of sentences, padded, and their mask */
    private static NDList sources(NDManager m, List<int[]> srcs) {
        List<Pair2> e = new ArrayList<>();
        for (int[] s : srcs) {
            e.add(new Pair2(s, new int[] {TextTokenizer.EOS}));
        }
        NDList x = batch(m, e);
        return new NDList(x.get(0), x.get(1));
    }

    private void checkSource(int[] src) {
        if (src.length > spec().maxSource()) {
            throw new IllegalArgumentException("the input has " + src.length + " tokens; the model takes at most "
                    + spec().maxSource());
        }
    }

    /**
     * Greedy decoding of several sources at once: each step appends every row's most likely token, until every row
     * has written the end token or the target maximum is reached.
     *
     * @param srcs sources (ids ending in the end token)
     * @return each source's output ids, without the start token, ending in the end token if one was written
     */
    List<int[]> greedy(List<int[]> srcs) {
        return greedy(srcs, spec().maxTarget());
    }

    /** @param maxT the longest output, at most the model's maximum @see #greedy(List) */
    @Override
    public List<int[]> greedy(List<int[]> srcs, int maxT) {
        srcs.forEach(this::checkSource);
        int b = srcs.size();
        maxT = Math.min(maxT, spec().maxTarget());
        int[][] outs = new int[b][maxT];
        int[] lengths = new int[b];
        boolean[] done = new boolean[b];
        try (NDManager m = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDList s = sources(m, srcs);
            NDArray memory = block.encode(ps, s.get(0), s.get(1), false);
            int[] prefix = new int[b]; // row-major [b, t]
            int t = 1;
            int finished = 0;
            while (finished < b && t <= maxT) {
                try (NDManager step = m.newSubManager()) {
                    NDArray tgt = step.create(prefix, new Shape(b, t));
                    NDArray logits = block.decodeLast(ps, memory, s.get(1), tgt, step.ones(new Shape(b, t)));
                    int[] next = logits.argMax(1).toType(DataType.INT32, false).toIntArray();
                    int[] longer = new int[b * (t + 1)];
                    for (int i = 0; i < b; i++) {
                        System.arraycopy(prefix, i * t, longer, i * (t + 1), t);
                        longer[i * (t + 1) + t] = next[i];
                        if (!done[i]) {
                            outs[i][lengths[i]++] = next[i];
                            if (next[i] == TextTokenizer.EOS) {
                                done[i] = true;
                                finished++;
                            }
                        }
                    }
                    prefix = longer;
                    t++;
                }
            }
        }
        List<int[]> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            out.add(Arrays.copyOf(outs[i], lengths[i]));
        }
        return out;
    }

    /**
     * Beam search ({@link Search#beam}); one beam is greedy.
     *
     * @param src           a source (ids ending in the end token)
     * @param beams         k, at least 1
     * @param lengthPenalty λ
     * @return the best finished hypothesis's ids, ending in the end token if it has one
     */
    int[] beam(int[] src, int beams, double lengthPenalty) {
        return beam(src, beams, lengthPenalty, spec().maxTarget());
    }

    /** @param maxT the longest output, at most the model's maximum @see #beam(int[], int, double) */
    @Override
    public int[] beam(int[] src, int beams, double lengthPenalty, int maxT) {
        if (beams < 1) {
            throw new IllegalArgumentException("beams = " + beams + " must be at least 1");
        }
        if (beams == 1) {
            return greedy(List.of(src), maxT).get(0);
        }
        checkSource(src);
        int limit = Math.min(maxT, spec().maxTarget());
        try (NDManager m = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDList s = sources(m, List.of(src));
            NDArray memory1 = block.encode(ps, s.get(0), s.get(1), false);
            long sl = memory1.getShape().get(1);
            return Search.beam(beams, lengthPenalty, limit, prefixes -> {
                int k = prefixes.length;
                int t = prefixes[0].length;
                try (NDManager step = m.newSubManager()) {
                    NDArray memory = memory1.broadcast(k, sl, spec().dModel());
                    NDArray mask = s.get(1).broadcast(k, sl);
                    int[] flat = new int[k * t];
                    for (int i = 0; i < k; i++) {
                        System.arraycopy(prefixes[i], 0, flat, i * t, t);
                    }
                    NDArray last = block.decodeLast(ps, memory, mask, step.create(flat, new Shape(k, t)),
                            step.ones(new Shape(k, t))).logSoftmax(1);
                    int v = (int) last.getShape().get(1);
                    float[] all = last.toFloatArray();
                    float[][] out = new float[k][];
                    for (int i = 0; i < k; i++) {
                        out[i] = Arrays.copyOfRange(all, i * v, (i + 1) * v);
                    }
                    return out;
                }
            });
        }
    }

    @Override
    public void close() {
        model.close();
        if (vocabulary instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the tokenizer failed", e);
            }
        }
    }
}
