package org.modelkit.translator.tanl.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.translator.tanl.format.TaskKind;

/**
 * Trains a TANL model from scratch on sentences with gold entities (and relations): the word vocabulary of the
 * inputs and augmented outputs, a transformer sized by the options, teacher forcing with Adam.
 */
final class TanlTraining {
    private TanlTraining() {
    }

    /**
     * @param steps        Adam steps
     * @param batch        sentences per step
     * @param learningRate Adam's step size
     * @param seed         initialisation and batch order
     * @param dModel       the transformer's width
     * @param layers       encoder layers, and as many decoder layers
     * @param heads        attention heads
     * @param ffn          feed-forward width
     * @param minCount     a word tokenizer's minimum count: rarer words are left to its placeholders
     */
    record Options(int steps, int batch, double learningRate, long seed, int dModel, int layers, int heads, int ffn,
            int minCount) {
        Options {
            new Seq2SeqModel.TrainOptions(steps, batch, learningRate, seed); // checks them
            if (minCount < 1) {
                throw new IllegalArgumentException("minimum count = " + minCount + " must be at least 1");
            }
        }

        /** The notes' toy settings: d = 64, 2 + 2 layers, 4 heads, Adam 1e-3, batch 64, every word in the vocabulary. */
        static Options toy(int steps, long seed) {
            return new Options(steps, 64, 1e-3, seed, 64, 2, 4, 256, 1);
        }
    }

    /**
     * @param examples the training sentences
     * @param task     the task they are (joint ER or NER) and its types
     * @param o        the settings
     * @param backend  where to train
     * @param progress receives every step; may cancel
     * @return the trained model (close it) and its loss per step
     */
    static Trained train(List<Example> examples, TaskSpec task, Options o, TensorBackend backend, Progress progress) {
        return train(examples, task, o, null, backend, progress);
    }

    /**
     * @param tokenizer the tokenizer, or null for a word vocabulary of the training texts
     * @see #train(List, TaskSpec, Options, TensorBackend, Progress)
     */
    static Trained train(List<Example> examples, TaskSpec task, Options o, TextTokenizer tokenizer, TensorBackend backend,
            Progress progress) {
        if (task.kind() != TaskKind.JOINT_ER && task.kind() != TaskKind.NER) {
            throw new IllegalArgumentException("training is for ner and jer; task '" + task.name() + "' is "
                    + task.kind().label());
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("there are no training sentences");
        }
        List<List<String>> texts = new ArrayList<>();
        List<String[]> pairs = new ArrayList<>();
        for (Example e : examples) {
            String out = task.kind() == TaskKind.NER
                    ? new Example(e.tokens(), e.entities(), List.of()).output() : e.output();
            pairs.add(new String[] {e.input(), out});
            texts.add(e.tokens());
            texts.add(List.of(out.split(" ")));
        }
        TextTokenizer v = tokenizer != null ? tokenizer : WordVocabulary.build(texts, o.minCount());
        List<Seq2SeqModel.Pair2> ids = new ArrayList<>();
        int maxS = 0;
        int maxT = 0;
        for (String[] p : pairs) {
            int[] s = v.encode(p[0]);
            int[] t = v.encodeTarget(p[1], p[0]);
            maxS = Math.max(maxS, s.length);
            maxT = Math.max(maxT, t.length);
            ids.add(new Seq2SeqModel.Pair2(s, t));
        }
        // room for somewhat longer sentences than the training ones (their positions are then untrained)
        Seq2SeqSpec spec = new Seq2SeqSpec(v.size(), o.dModel(), o.heads(), o.layers(), o.layers(), o.ffn(),
                maxS + maxS / 2 + 4, maxT + maxT / 2 + 8);
        Seq2SeqModel net = Seq2SeqModel.create(backend, spec, v, o.seed());
        boolean done = false;
        try {
            long t0 = System.nanoTime();
            double[] losses = net.train(ids, new Seq2SeqModel.TrainOptions(o.steps(), o.batch(), o.learningRate(), o.seed()),
                    progress);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("sentences", examples.size());
            report.put("steps", o.steps());
            report.put("batch", o.batch());
            report.put("learningRate", o.learningRate());
            report.put("seed", o.seed());
            report.put("parameters", net.size());
            report.put("firstLoss", losses[0]);
            report.put("finalLoss", tailMean(losses, 20));
            report.put("seconds", Math.round(seconds * 10) / 10.0);
            TanlModel model = new TanlModel(net, List.of(task), report);
            done = true;
            return new Trained(model, losses, seconds);
        } finally {
            if (!done) {
                net.close();
            }
        }
    }

    /** @return the mean of the last n values (all if fewer) */
    static double tailMean(double[] v, int n) {
        int from = Math.max(0, v.length - n);
        double s = 0;
        int k = 0;
        for (int i = from; i < v.length; i++) {
            if (Double.isFinite(v[i])) {
                s += v[i];
                k++;
            }
        }
        return k == 0 ? Double.NaN : s / k;
    }

    /**
     * @param model   the trained model
     * @param losses  the loss of each step
     * @param seconds the training's wall time
     */
    record Trained(TanlModel model, double[] losses, double seconds) {
    }
}
