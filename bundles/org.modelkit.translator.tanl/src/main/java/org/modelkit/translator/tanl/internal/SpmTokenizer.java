package org.modelkit.translator.tanl.internal;

import ai.djl.sentencepiece.SpProcessor;
import ai.djl.sentencepiece.SpTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A SentencePiece model ({@code spiece.model}, T5's tokenizer format) through DJL's SentencePiece binding. Its ids
 * must be T5's: padding 0, end 1, unknown 2 (Debian's {@code spm_train --pad_id=0 --eos_id=1 --unk_id=2
 * --bos_id=-1}). Decoding skips those ids first, as Hugging Face's
 * {@code decode(skip_special_tokens=True, clean_up_tokenization_spaces=False)} does.
 */
final class SpmTokenizer implements TextTokenizer, AutoCloseable {
    /** The file in a model directory. */
    static final String FILE = "spiece.model";
    private static final String MARKS = "[ ] | =";

    private final byte[] model;
    private final SpTokenizer tokenizer;
    private final SpProcessor processor;
    private final int size;

    /**
     * @param model the serialised SentencePiece model
     * @param name  where it came from, for messages
     * @throws IllegalArgumentException if it is not a SentencePiece model, its special ids are not T5's, or
     *                                  {@code [ ] | =} do not survive encoding and decoding
     */
    SpmTokenizer(byte[] model, String name) {
        this.model = model.clone();
        int count = pieces(model, name);
        SpTokenizer t;
        // DJL finds the native library's properties through the context class loader: in a framework that must be
        // the DJL bundle's (org.modelkit.lib.djl), which holds the binding and its linux-x86_64 library
        Thread th = Thread.currentThread();
        ClassLoader old = th.getContextClassLoader();
        th.setContextClassLoader(SpTokenizer.class.getClassLoader());
        try {
            t = new SpTokenizer(model);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + name + "' is not a SentencePiece model: " + e.getMessage(), e);
        } finally {
            th.setContextClassLoader(old);
        }
        this.tokenizer = t;
        this.processor = t.getProcessor();
        boolean ok = false;
        try {
            this.size = count;
            if (processor.getId("<pad>") != PAD || processor.getId("</s>") != EOS || processor.getId("<unk>") != UNK) {
                throw new IllegalArgumentException("SentencePiece model '" + name + "' gives <pad>, </s>, <unk> the ids "
                        + processor.getId("<pad>") + ", " + processor.getId("</s>") + ", " + processor.getId("<unk>")
                        + "; T5's are 0, 1, 2 (spm_train --pad_id=0 --eos_id=1 --unk_id=2 --bos_id=-1)");
            }
            String back = decode(encode(MARKS));
            if (!back.equals(MARKS)) {
                throw new IllegalArgumentException("SentencePiece model '" + name + "' does not round-trip the augmented"
                        + " language's marks: '" + MARKS + "' comes back as '" + back + "'");
            }
            ok = true;
        } finally {
            if (!ok) {
                t.close();
            }
        }
    }

    /**
     * Counts the model's pieces: the repeated field 1 of SentencePiece's {@code ModelProto}, read from the protocol
     * buffer's wire format (DJL's binding does not expose the vocabulary's size: {@code SpVocabulary.size()} throws).
     *
     * @return the number of pieces
     * @throws IllegalArgumentException if the bytes are not a well-formed protocol buffer
     */
    static int pieces(byte[] b, String name) {
        int n = 0;
        int i = 0;
        try {
            while (i < b.length) {
                long[] tag = varint(b, i);
                i = (int) tag[1];
                int field = (int) (tag[0] >>> 3);
                int wire = (int) (tag[0] & 7);
                switch (wire) {
                    case 0 -> i = (int) varint(b, i)[1];
                    case 1 -> i += 8;
                    case 2 -> {
                        long[] len = varint(b, i);
                        i = (int) len[1];
                        if (len[0] < 0 || i + len[0] > b.length) {
                            throw new IllegalArgumentException("a field runs past the end");
                        }
                        i += (int) len[0];
                        if (field == 1) {
                            n++;
                        }
                    }
                    case 5 -> i += 4;
                    default -> throw new IllegalArgumentException("wire type " + wire);
                }
            }
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("'" + name + "' is not a SentencePiece model (" + e.getMessage() + ")", e);
        }
        if (n == 0 || i != b.length) {
            throw new IllegalArgumentException("'" + name + "' is not a SentencePiece model (no pieces)");
        }
        return n;
    }

    /** @return a varint's value and the index after it */
    private static long[] varint(byte[] b, int i) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b[i++];
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return new long[] {v, i};
            }
        }
        throw new IllegalArgumentException("a varint is too long");
    }

    /**
     * @param file a {@code spiece.model}
     * @return its tokenizer
     */
    static SpmTokenizer load(Path file) throws IOException {
        return new SpmTokenizer(Files.readAllBytes(file), file.toString());
    }

    @Override
    public String kind() {
        return "spm";
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public synchronized int[] encode(String text) {
        int[] ids = processor.encode(text);
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = EOS;
        return out;
    }

    @Override
    public synchronized String decode(int[] ids) {
        int n = 0;
        int[] kept = new int[ids.length];
        for (int id : ids) {
            if (id == EOS) {
                break;
            }
            if (id > UNK && id < size) {
                kept[n++] = id;
            }
        }
        return processor.decode(Arrays.copyOf(kept, n));
    }

    @Override
    public void save(Path dir) throws IOException {
        org.modelkit.io.AtomicFiles.write(dir.resolve(FILE), out -> out.write(model));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
