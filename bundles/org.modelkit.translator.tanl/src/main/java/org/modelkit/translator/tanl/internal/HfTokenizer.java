package org.modelkit.translator.tanl.internal;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.modelkit.io.AtomicFiles;
import org.modelkit.io.FormatException;
import org.modelkit.io.Json;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's binding of the Rust tokenizers. Its ids must be T5's (padding 0,
 * end 1, unknown 2, found by name in the file); special tokens are not added by the tokenizer (the end id is appended
 * here), and decoding skips special ids; the Rust decoder does no clean-up of spaces, as
 * {@code clean_up_tokenization_spaces=False}. A tokenizer that does not round-trip {@code [ ] | =} is refused.
 */
final class HfTokenizer implements TextTokenizer, AutoCloseable {
    /** The file in a model directory. */
    static final String FILE = "tokenizer.json";
    private static final String MARKS = "[ ] | =";

    private final byte[] json;
    private final HuggingFaceTokenizer tokenizer;
    private final int size;

    private HfTokenizer(byte[] json, HuggingFaceTokenizer tokenizer, int size) {
        this.json = json;
        this.tokenizer = tokenizer;
        this.size = size;
    }

    /**
     * @param file a tokenizer.json
     * @return its tokenizer (close it)
     * @throws FormatException          if it is not a tokenizer file
     * @throws IllegalArgumentException if its special ids are not T5's or the marks do not round-trip
     */
    static HfTokenizer load(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Map<String, Integer> ids = ids(bytes, file);
        for (Map.Entry<String, Integer> e : Map.of("<pad>", PAD, "</s>", EOS, "<unk>", UNK).entrySet()) {
            if (!e.getValue().equals(ids.get(e.getKey()))) {
                throw new IllegalArgumentException("tokenizer '" + file + "' gives " + e.getKey() + " the id "
                        + ids.get(e.getKey()) + "; T5's <pad>, </s>, <unk> are 0, 1, 2");
            }
        }
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        // the binding finds its native library's properties through the context class loader: the DJL bundle's
        Thread th = Thread.currentThread();
        ClassLoader old = th.getContextClassLoader();
        th.setContextClassLoader(HuggingFaceTokenizer.class.getClassLoader());
        HuggingFaceTokenizer t;
        try {
            // no truncation or padding here (the model's maximum is checked on the ids); a stated maxLength keeps DJL
            // from warning that it fell back to the file's
            t = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), Map.of("maxLength", "1000000",
                    "truncation", "false", "padding", "false"));
        } catch (RuntimeException e) {
            throw new FormatException(file, "is not a tokenizer the tokenizers library reads: " + e.getMessage());
        } finally {
            th.setContextClassLoader(old);
        }
        HfTokenizer h = new HfTokenizer(bytes, t, size);
        String back = h.decode(h.encode(MARKS));
        if (!back.equals(MARKS)) {
            h.close();
            throw new IllegalArgumentException("tokenizer '" + file + "' does not round-trip the augmented language's"
                    + " marks: '" + MARKS + "' comes back as '" + back + "'");
        }
        return h;
    }

    /** @return every token's id: the model's vocabulary (a list of [piece, score] or a map) and the added tokens */
    @SuppressWarnings("unchecked")
    private static Map<String, Integer> ids(byte[] bytes, Path file) throws FormatException {
        Map<String, Object> root = Json.parse(new String(bytes, StandardCharsets.UTF_8), file.toString(), Map.class);
        Map<String, Integer> ids = new HashMap<>();
        if (!(root.get("model") instanceof Map<?, ?> model)) {
            throw new FormatException(file, "has no 'model'");
        }
        Object vocab = model.get("vocab");
        if (vocab instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof List<?> pair && !pair.isEmpty()) {
                    ids.putIfAbsent(String.valueOf(pair.get(0)), i);
                }
            }
        } else if (vocab instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getValue() instanceof Number n) {
                    ids.put(String.valueOf(e.getKey()), n.intValue());
                }
            }
        } else {
            throw new FormatException(file, "has a model without a vocabulary");
        }
        if (root.get("added_tokens") instanceof List<?> added) {
            for (Object a : added) {
                if (a instanceof Map<?, ?> m && m.get("content") instanceof String c && m.get("id") instanceof Number n) {
                    ids.put(c, n.intValue());
                }
            }
        }
        return ids;
    }

    @Override
    public String kind() {
        return "hf";
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public synchronized int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length + 1];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        out[ids.length] = EOS;
        return out;
    }

    @Override
    public synchronized String decode(int[] ids) {
        long[] kept = new long[ids.length];
        int n = 0;
        for (int id : ids) {
            if (id == EOS) {
                break;
            }
            if (id > UNK && id < size) {
                kept[n++] = id;
            }
        }
        return tokenizer.decode(Arrays.copyOf(kept, n), true);
    }

    @Override
    public void save(Path dir) throws IOException {
        AtomicFiles.write(dir.resolve(FILE), out -> out.write(json));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
