package org.modelkit.testkit;

import java.util.List;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.segment.Segmentation;
import org.modelkit.api.segment.Segmenter;

/**
 * The contract of a {@link Segmenter} (clauses in {@link MethodContract}). Input: {@link #frames()}, given by the
 * subclass: a sequence in which something moves against the background. Bad input: null frames and a single frame
 * (message names "frames"), and two frames of different sizes (names "frame"). Degenerate: not one mask per frame, a
 * mask of another size than the frames, or every mask empty, or every mask the whole frame.
 */
public abstract class SegmenterContract extends MethodContract<Segmenter> {
    @Override
    protected final Class<Segmenter> type() {
        return Segmenter.class;
    }

    /** @return two or more frames of one size in which an object moves */
    protected abstract List<Frame> frames();

    @Override
    protected Object run(Segmenter method, Progress progress) {
        return method.segment(frames(), progress);
    }

    @Override
    protected List<Object> fingerprint(Object result) {
        List<Mask> masks = ((Segmentation) result).masks();
        boolean[][] all = new boolean[masks.size()][];
        for (int i = 0; i < all.length; i++) {
            all[i] = masks.get(i).toArray();
        }
        return List.of(all);
    }

    @Override
    protected String degenerate(Object result) {
        List<Mask> masks = ((Segmentation) result).masks();
        List<Frame> frames = frames();
        if (masks.size() != frames.size()) {
            return masks.size() + " masks for " + frames.size() + " frames";
        }
        long area = 0;
        long pixels = 0;
        for (Mask m : masks) {
            if (m.width() != frames.get(0).width() || m.height() != frames.get(0).height()) {
                return "a mask is " + m.width() + "x" + m.height() + ", the frames " + frames.get(0).width() + "x"
                        + frames.get(0).height();
            }
            area += m.area();
            pixels += (long) m.width() * m.height();
        }
        if (area == 0) {
            return "every mask is empty";
        }
        return area == pixels ? "every mask covers the whole frame" : null;
    }

    @Override
    protected List<BadInput> badInputs(Segmenter method) {
        List<Frame> f = frames();
        Frame first = f.get(0);
        Frame wider = new Frame(first.width() + 1, first.height(), first.channels(),
                new float[(first.width() + 1) * first.height() * first.channels()]);
        return List.of(
                new BadInput("null frames", "frames", () -> method.segment(null, Progress.NONE)),
                new BadInput("one frame", "frames", () -> method.segment(List.of(first), Progress.NONE)),
                new BadInput("frames of two sizes", "frame", () -> method.segment(List.of(first, wider), Progress.NONE)));
    }
}
