package org.modelkit.io;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.modelkit.api.data.LabelledSet;

/**
 * The SHA-256 of one labelled sample, so a log or a model's metadata can name a sample without its
 * content: the label as a 4-byte big-endian int, then the sample's features as big-endian float32 bits,
 * in row-major order. The same values give the same digest whatever file they came from.
 */
public final class SampleDigests {
    private SampleDigests() {
    }

    /**
     * @param set a labelled set
     * @param i   a row
     * @return the sample's digest, 64 lower-case hex digits
     * @throws IndexOutOfBoundsException if i is not a row
     */
    public static String sha256(LabelledSet set, int i) {
        if (i < 0 || i >= set.size()) {
            throw new IndexOutOfBoundsException("sample " + i + " is not in [0, " + set.size() + ")");
        }
        int per = set.features().size() / set.size();
        java.nio.FloatBuffer all = set.features().asBuffer();
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * per);
        b.putInt(set.label(i));
        for (int k = 0; k < per; k++) {
            b.putFloat(all.get(i * per + k));
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * @param set a labelled set
     * @return every sample's digest, by row
     */
    public static String[] all(LabelledSet set) {
        String[] out = new String[set.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = sha256(set, i);
        }
        return out;
    }
}
