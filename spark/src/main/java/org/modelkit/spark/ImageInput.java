package org.modelkit.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Tensor;
import org.modelkit.io.FormatException;
import org.modelkit.io.Idx;
import org.modelkit.io.Images;

/**
 * The images a batch job classifies, as the driver describes them to the tasks: an IDX images file (with its labels
 * file beside it when there is one, "images-idx3" read as "labels-idx1" in the name; ids are the records' numbers) or
 * a folder of images (PNG, PGM, JPEG; grey, or RGB made grey; ids are the file names, in name order; no labels).
 * The driver reads only headers (and one image of a folder); each task reads its own range of records. Paths must be
 * seen by every executor (a shared file system, or local mode).
 */
final class ImageInput implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String images;
    private final String labels;
    private final List<String> files;
    private final int size;
    private final int height;
    private final int width;

    private ImageInput(String images, String labels, List<String> files, int size, int height, int width) {
        this.images = images;
        this.labels = labels;
        this.files = files;
        this.size = size;
        this.height = height;
        this.width = width;
    }

    /**
     * Describes the input, reading headers only: a malformed header or a labels file that does not match fails here,
     * on the driver.
     *
     * @param data an IDX images file or a folder of images
     * @return the input
     * @throws IllegalArgumentException if it is neither, or a folder holds no image
     * @throws IOException              if a header cannot be read (FormatException: malformed, named)
     */
    static ImageInput of(Path data) throws IOException {
        if (Files.isDirectory(data)) {
            List<String> files;
            try (Stream<Path> s = Files.list(data)) {
                files = s.filter(p -> Files.isRegularFile(p) && isImage(p)).map(Path::toString).sorted().toList();
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("DATA '" + data + "' is a folder without images (.png, .pgm, .jpg)");
            }
            Frame first = Images.read(Path.of(files.get(0)));
            return new ImageInput(data.toString(), null, new ArrayList<>(files), files.size(), first.height(),
                    first.width());
        }
        if (!Files.isRegularFile(data)) {
            throw new IllegalArgumentException("DATA '" + data + "' is neither an IDX images file nor a folder of images");
        }
        String name = data.getFileName().toString();
        Idx.IdxArray h = Idx.readHeader(data);
        if (h.type() != Idx.UBYTE || h.dims().length != 3) {
            throw new FormatException(data, "IDX images must be unsigned bytes [n, rows, cols], got type " + h.type()
                    + " " + Arrays.toString(h.dims()));
        }
        String labels = null;
        if (name.contains("images-idx3")) {
            Path l = data.resolveSibling(name.replace("images-idx3", "labels-idx1"));
            if (Files.exists(l)) {
                int[] d = Idx.readHeader(l).dims();
                if (d.length != 1 || d[0] != h.dims()[0]) {
                    throw new FormatException(l, "holds " + Arrays.toString(d) + " labels but " + name + " holds "
                            + h.dims()[0] + " images");
                }
                labels = l.toString();
            }
        }
        if (h.dims()[0] == 0) {
            throw new IllegalArgumentException("DATA '" + data + "' holds no images");
        }
        return new ImageInput(data.toString(), labels, null, h.dims()[0], h.dims()[1], h.dims()[2]);
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".pgm") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /** @return how many images */
    int size() {
        return size;
    }

    /** @return whether the images have labels */
    boolean labelled() {
        return labels != null;
    }

    /** @return what the input is, for messages */
    String describe() {
        return String.format(Locale.ROOT, "%s (%,d images %dx%d%s)", images, size, width, height,
                labels == null ? ", no labels" : ", labelled");
    }

    /**
     * @param partitions how many parts
     * @return the parts as {from, count}, contiguous and in order, as even as whole records allow
     */
    List<int[]> split(int partitions) {
        int p = Math.max(1, Math.min(partitions, size));
        List<int[]> ranges = new ArrayList<>(p);
        for (int i = 0; i < p; i++) {
            int from = (int) ((long) i * size / p);
            int to = (int) ((long) (i + 1) * size / p);
            ranges.add(new int[] {from, to - from});
        }
        return ranges;
    }

    /**
     * @return the images {@code [count, height, width]} in [0, 1]
     * @throws IOException if a file cannot be read, or (folder) an image's size differs from the first's
     */
    Tensor read(int from, int count) throws IOException {
        if (files == null) {
            return Idx.readImages(Path.of(images), from, count);
        }
        float[] x = new float[count * height * width];
        for (int i = 0; i < count; i++) {
            Path f = Path.of(files.get(from + i));
            Frame g = Images.read(f).toGrey();
            if (g.height() != height || g.width() != width) {
                throw new FormatException(f, "is " + g.width() + "x" + g.height() + "; the folder's images are " + width
                        + "x" + height + " (as its first, " + Path.of(files.get(0)).getFileName() + ")");
            }
            System.arraycopy(g.toArray(), 0, x, i * height * width, height * width);
        }
        return Tensor.of(x, count, height, width);
    }

    /** @return the labels of the range, or null without labels */
    int[] labels(int from, int count) throws IOException {
        return labels == null ? null : Idx.readLabels(Path.of(labels), from, count);
    }

    /** @return the id of image i: its record number, or its file name */
    String id(int i) {
        return files == null ? Integer.toString(i) : Path.of(files.get(i)).getFileName().toString();
    }
}
