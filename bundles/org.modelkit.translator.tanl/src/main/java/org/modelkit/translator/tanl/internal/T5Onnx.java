package org.modelkit.translator.tanl.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A user's T5 (or any encoder-decoder exported the same way) on ONNX Runtime, CPU: {@code encoder_model.onnx} with
 * Hugging Face's inputs {@code input_ids}, {@code attention_mask} and output {@code last_hidden_state}, and
 * {@code decoder_model.onnx} (no past key/values) with inputs {@code input_ids}, {@code encoder_hidden_states},
 * {@code encoder_attention_mask} and output {@code logits}; ids int64. The decoder starts from the padding id, as T5
 * does, and runs over the whole prefix each step. ONNX Runtime is used directly, not through the onnx-cpu
 * {@code ComputeBackend}, whose {@code LoadedModel} carries float tensors only.
 */
final class T5Onnx implements Generator {
    static final String ENCODER = "encoder_model.onnx";
    static final String DECODER = "decoder_model.onnx";
    static final Set<String> ENCODER_INPUTS = Set.of("input_ids", "attention_mask");
    static final Set<String> DECODER_INPUTS = Set.of("input_ids", "encoder_hidden_states", "encoder_attention_mask");

    private final OrtEnvironment env;
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final TextTokenizer tokenizer;
    private final int maxSource;
    private final int maxTarget;

    private T5Onnx(OrtEnvironment env, OrtSession encoder, OrtSession decoder, TextTokenizer tokenizer, int maxSource,
            int maxTarget) {
        this.env = env;
        this.encoder = encoder;
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.maxSource = maxSource;
        this.maxTarget = maxTarget;
    }

    /**
     * @param dir       a model directory with the two ONNX files
     * @param tokenizer its tokenizer (closed with the model)
     * @param maxSource the longest source
     * @param maxTarget the longest output
     * @return the model (close it)
     * @throws IllegalArgumentException naming a missing file or an unexpected set of input names
     */
    static T5Onnx load(Path dir, TextTokenizer tokenizer, int maxSource, int maxTarget) {
        for (String f : List.of(ENCODER, DECODER)) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalArgumentException("model directory '" + dir + "' has no " + f);
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession enc = null;
        OrtSession dec = null;
        try {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
            enc = env.createSession(dir.resolve(ENCODER).toString(), o);
            dec = env.createSession(dir.resolve(DECODER).toString(), o);
            check(dir.resolve(ENCODER), enc.getInputNames(), ENCODER_INPUTS);
            check(dir.resolve(DECODER), dec.getInputNames(), DECODER_INPUTS);
            if (!enc.getOutputNames().contains("last_hidden_state") || !dec.getOutputNames().contains("logits")) {
                throw new IllegalArgumentException("'" + dir + "': the encoder must output last_hidden_state and the"
                        + " decoder logits; they output " + enc.getOutputNames() + " and " + dec.getOutputNames());
            }
            T5Onnx m = new T5Onnx(env, enc, dec, tokenizer, maxSource, maxTarget);
            enc = null;
            dec = null;
            return m;
        } catch (OrtException e) {
            throw new IllegalArgumentException("'" + dir + "' holds an ONNX model that ONNX Runtime cannot load: "
                    + e.getMessage(), e);
        } finally {
            closeQuietly(enc);
            closeQuietly(dec);
        }
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException e) {
                // the load failed already; that error is the one to report
            }
        }
    }

    private static void check(Path file, Set<String> got, Set<String> want) {
        if (!got.equals(want)) {
            throw new IllegalArgumentException("ONNX model '" + file + "' has inputs " + new java.util.TreeSet<>(got)
                    + "; expected Hugging Face's " + new java.util.TreeSet<>(want));
        }
    }

    @Override
    public TextTokenizer vocabulary() {
        return tokenizer;
    }

    @Override
    public int maxSource() {
        return maxSource;
    }

    @Override
    public int maxTarget() {
        return maxTarget;
    }

    @Override
    public String describe() {
        return "T5 export on ONNX Runtime (CPU), tokenizer " + tokenizer.kind();
    }

    /** The encoder's output for padded sources, kept as ONNX tensors for the decoder. */
    private final class Encoded implements AutoCloseable {
        final OnnxTensor hidden;
        final OnnxTensor mask;
        final long[] shape;

        Encoded(List<int[]> srcs) throws OrtException {
            int b = srcs.size();
            int s = 0;
            for (int[] x : srcs) {
                s = Math.max(s, x.length);
            }
            long[] ids = new long[b * s];
            long[] m = new long[b * s];
            for (int i = 0; i < b; i++) {
                for (int k = 0; k < srcs.get(i).length; k++) {
                    ids[i * s + k] = srcs.get(i)[k];
                    m[i * s + k] = 1;
                }
            }
            long[] shape2 = {b, s};
            try (OnnxTensor idsT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape2)) {
                mask = OnnxTensor.createTensor(env, LongBuffer.wrap(m), shape2);
                try (OrtSession.Result r = encoder.run(Map.of("input_ids", idsT, "attention_mask", mask))) {
                    OnnxTensor h = (OnnxTensor) r.get("last_hidden_state").orElseThrow();
                    shape = h.getInfo().getShape();
                    FloatBuffer fb = h.getFloatBuffer();
                    float[] copy = new float[fb.remaining()];
                    fb.get(copy);
                    hidden = OnnxTensor.createTensor(env, FloatBuffer.wrap(copy), shape);
                }
            }
        }

        /** @return the same memory repeated k times along the batch (for beams; built from a batch of one) */
        Encoded repeat(int k) throws OrtException {
            return new Encoded(this, k);
        }

        private Encoded(Encoded one, int k) throws OrtException {
            float[] h = new float[(int) (one.shape[1] * one.shape[2])];
            one.hidden.getFloatBuffer().get(h);
            float[] hk = new float[h.length * k];
            long[] mk = new long[(int) one.shape[1] * k];
            long[] m1 = new long[(int) one.shape[1]];
            one.mask.getLongBuffer().get(m1);
            for (int i = 0; i < k; i++) {
                System.arraycopy(h, 0, hk, i * h.length, h.length);
                System.arraycopy(m1, 0, mk, i * m1.length, m1.length);
            }
            shape = new long[] {k, one.shape[1], one.shape[2]};
            hidden = OnnxTensor.createTensor(env, FloatBuffer.wrap(hk), shape);
            mask = OnnxTensor.createTensor(env, LongBuffer.wrap(mk), new long[] {k, one.shape[1]});
        }

        /** @return the logits of the last position after each prefix, [rows][V] */
        float[][] last(int[][] prefixes) throws OrtException {
            int b = prefixes.length;
            int t = prefixes[0].length;
            long[] ids = new long[b * t];
            for (int i = 0; i < b; i++) {
                for (int k = 0; k < t; k++) {
                    ids[i * t + k] = prefixes[i][k];
                }
            }
            try (OnnxTensor idsT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {b, t})) {
                Map<String, OnnxTensor> feed = new HashMap<>();
                feed.put("input_ids", idsT);
                feed.put("encoder_hidden_states", hidden);
                feed.put("encoder_attention_mask", mask);
                try (OrtSession.Result r = decoder.run(feed)) {
                    OnnxValue v = r.get("logits").orElseThrow();
                    OnnxTensor logits = (OnnxTensor) v;
                    long[] shape3 = logits.getInfo().getShape();
                    int vocab = (int) shape3[2];
                    FloatBuffer fb = logits.getFloatBuffer();
                    float[][] out = new float[b][vocab];
                    for (int i = 0; i < b; i++) {
                        fb.position((int) ((i * shape3[1] + (shape3[1] - 1)) * vocab));
                        fb.get(out[i]);
                    }
                    return out;
                }
            }
        }

        @Override
        public void close() {
            hidden.close();
            mask.close();
        }
    }

    private void checkSource(int[] src) {
        if (src.length > maxSource) {
            throw new IllegalArgumentException("the input has " + src.length + " tokens; the model takes at most " + maxSource);
        }
    }

    @Override
    public List<int[]> greedy(List<int[]> srcs, int maxT) {
        srcs.forEach(this::checkSource);
        int limit = Math.min(maxT, maxTarget);
        int b = srcs.size();
        try (Encoded e = new Encoded(srcs)) {
            int[][] prefix = new int[b][1];
            List<List<Integer>> outs = new ArrayList<>();
            boolean[] done = new boolean[b];
            int finished = 0;
            for (int i = 0; i < b; i++) {
                outs.add(new ArrayList<>());
            }
            for (int t = 1; t <= limit && finished < b; t++) {
                float[][] logits = e.last(prefix);
                int[][] longer = new int[b][t + 1];
                for (int i = 0; i < b; i++) {
                    int best = argMax(logits[i]);
                    System.arraycopy(prefix[i], 0, longer[i], 0, t);
                    longer[i][t] = best;
                    if (!done[i]) {
                        outs.get(i).add(best);
                        if (best == TextTokenizer.EOS) {
                            done[i] = true;
                            finished++;
                        }
                    }
                }
                prefix = longer;
            }
            List<int[]> out = new ArrayList<>();
            for (List<Integer> o : outs) {
                out.add(o.stream().mapToInt(Integer::intValue).toArray());
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    private static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public int[] beam(int[] src, int beams, double lengthPenalty, int maxT) {
        if (beams < 1) {
            throw new IllegalArgumentException("beams = " + beams + " must be at least 1");
        }
        if (beams == 1) {
            return greedy(List.of(src), maxT).get(0);
        }
        checkSource(src);
        try (Encoded one = new Encoded(List.of(src))) {
            Map<Integer, Encoded> byRows = new HashMap<>();
            try {
                return Search.beam(beams, lengthPenalty, Math.min(maxT, maxTarget), prefixes -> {
                    try {
                        Encoded e = byRows.get(prefixes.length);
                        if (e == null) {
                            e = one.repeat(prefixes.length);
                            byRows.put(prefixes.length, e);
                        }
                        float[][] logits = e.last(prefixes);
                        for (float[] row : logits) {
                            logSoftmax(row);
                        }
                        return logits;
                    } catch (OrtException x) {
                        throw new IllegalStateException("ONNX Runtime failed: " + x.getMessage(), x);
                    }
                });
            } finally {
                byRows.values().forEach(Encoded::close);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    /** In place, in double precision (as torch's log_softmax on float32 rows, to rounding). */
    static void logSoftmax(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v - max);
        }
        double log = max + Math.log(sum);
        for (int i = 0; i < row.length; i++) {
            row[i] = (float) (row[i] - log);
        }
    }

    @Override
    public void close() {
        closeQuietly(encoder);
        closeQuietly(decoder);
        if (tokenizer instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the tokenizer failed", e);
            }
        }
    }
}
