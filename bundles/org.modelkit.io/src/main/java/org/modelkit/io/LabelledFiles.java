package org.modelkit.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;

/**
 * Labelled image sets as shell commands take them: an IDX images file with its labels file beside it
 * ("images-idx3" read as "labels-idx1" in the name), or a CSV file with the label in the last column
 * and a square image in the others (values above 1, such as sklearn's digits 0-16, are scaled to [0, 1]).
 */
public final class LabelledFiles {
    private LabelledFiles() {
    }

    /**
     * @param file an IDX images file or a CSV file
     * @return the samples, images {@code [n, h, w]} in [0, 1]
     * @throws IllegalArgumentException if the file or its labels file is missing, or the name fits neither form
     * @throws FormatException          if a file is malformed or a CSV row is not a square image
     * @throws IOException              if a file cannot be read
     */
    public static LabelledSet read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no data file '" + file + "'");
        }
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv") || lower.endsWith(".csv.gz")) {
            LabelledSet s = Csv.readLabelled(file, -1);
            int d = s.features().dim(1);
            int side = (int) Math.round(Math.sqrt(d));
            if (side * side != d) {
                throw new FormatException(file, "has " + d + " feature columns, not a square image");
            }
            float[] x = s.features().toArray();
            float max = 0;
            for (float v : x) {
                max = Math.max(max, v);
            }
            if (max > 1) {
                for (int i = 0; i < x.length; i++) {
                    x[i] /= max;
                }
            }
            return new LabelledSet(Tensor.of(x, s.size(), side, side), s.labels(), s.classNames());
        }
        if (!name.contains("images-idx3")) {
            throw new IllegalArgumentException("'" + file + "' is neither a CSV file nor an IDX images file named"
                    + " *images-idx3* (its labels are read from the *labels-idx1* file beside it)");
        }
        Path labels = file.resolveSibling(name.replace("images-idx3", "labels-idx1"));
        if (!Files.exists(labels)) {
            throw new IllegalArgumentException("no labels file '" + labels + "' beside '" + file + "'");
        }
        return Idx.readLabelled(file, labels, null);
    }
}
