package org.modelkit.testkit;

import java.util.List;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.segment.ImageSegmenter;

/**
 * The contract of an {@link ImageSegmenter} (clauses in {@link MethodContract}; its call takes no progress, so the
 * progress and cancellation clauses are skipped). Input: {@link #frame()}, given by the subclass: an image of the size
 * the configured model was trained at, with an object in it. Bad input: a null frame and a frame one pixel wider than
 * the model's (message names "frame"). Degenerate: a mask of another size than the frame, an empty mask, or a mask
 * that covers the whole frame.
 */
public abstract class ImageSegmenterContract extends MethodContract<ImageSegmenter> {
    @Override
    protected final Class<ImageSegmenter> type() {
        return ImageSegmenter.class;
    }

    /** @return an image of the configured model's size */
    protected abstract Frame frame();

    @Override
    protected final boolean takesProgress() {
        return false;
    }

    @Override
    protected Object run(ImageSegmenter method, Progress progress) {
        return method.segment(frame());
    }

    @Override
    protected List<Object> fingerprint(Object result) {
        return List.of(((Mask) result).toArray());
    }

    @Override
    protected String degenerate(Object result) {
        Mask m = (Mask) result;
        Frame f = frame();
        if (m.width() != f.width() || m.height() != f.height()) {
            return "the mask is " + m.width() + "x" + m.height() + ", the frame " + f.width() + "x" + f.height();
        }
        if (m.area() == 0) {
            return "the mask is empty";
        }
        return m.area() == m.width() * m.height() ? "the mask covers the whole frame" : null;
    }

    @Override
    protected List<BadInput> badInputs(ImageSegmenter method) {
        Frame f = frame();
        Frame wider = new Frame(f.width() + 1, f.height(), f.channels(), new float[(f.width() + 1) * f.height() * f.channels()]);
        return List.of(
                new BadInput("a null frame", "frame", () -> method.segment(null)),
                new BadInput("a frame of " + wider.width() + "x" + wider.height(), "frame", () -> method.segment(wider)));
    }
}
