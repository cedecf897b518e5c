package org.modelkit.api.segment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;

/**
 * One bootstrap of a static segmentation model from motion.
 *
 * @param sequences   frame sequences in temporal order, each of at least two frames, all frames of one size
 * @param groundTruth per sequence its masks (one per frame, of the frames' size) or null; for reporting only,
 *                    never used in training; the list itself may be null
 * @param rounds      rounds of dynamic masks and static training, at least 1
 * @param epochs      epochs of static training per round, at least 1
 * @param seed        the initialisation and the data order
 * @param output      the folder the model is written to, as a whole
 * @since 1.1
 */
public record BootstrapRequest(List<List<Frame>> sequences, List<List<Mask>> groundTruth, int rounds, int epochs,
        long seed, Path output) {
    /** @throws IllegalArgumentException naming the field that is missing or out of range */
    public BootstrapRequest {
        if (sequences == null || sequences.isEmpty()) {
            throw new IllegalArgumentException("at least one frame sequence must be given");
        }
        if (output == null) {
            throw new IllegalArgumentException("the output folder must be given");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds = " + rounds + " must be at least 1");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs = " + epochs + " must be at least 1");
        }
        List<List<Frame>> seqs = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            List<Frame> s = sequences.get(i);
            if (s == null || s.size() < 2) {
                throw new IllegalArgumentException("sequence " + i + " holds " + (s == null ? 0 : s.size())
                        + " frames; motion needs two or more");
            }
            seqs.add(List.copyOf(s));
        }
        sequences = List.copyOf(seqs);
        if (groundTruth != null) {
            if (groundTruth.size() != sequences.size()) {
                throw new IllegalArgumentException("ground truth is given for " + groundTruth.size() + " sequences, not "
                        + sequences.size());
            }
            List<List<Mask>> gt = new ArrayList<>();
            for (int i = 0; i < groundTruth.size(); i++) {
                List<Mask> g = groundTruth.get(i);
                if (g != null && g.size() != sequences.get(i).size()) {
                    throw new IllegalArgumentException("sequence " + i + " has " + sequences.get(i).size() + " frames but "
                            + g.size() + " ground-truth masks");
                }
                gt.add(g == null ? null : List.copyOf(g));
            }
            groundTruth = Collections.unmodifiableList(gt);
        }
    }
}
