package org.modelkit.api.segment;

import java.util.List;
import org.modelkit.api.data.Frame;
import org.modelkit.api.method.Method;
import org.modelkit.api.progress.Progress;
import org.osgi.annotation.versioning.ProviderType;

/** Segments the primary moving object in a sequence of frames. */
@ProviderType
public interface Segmenter extends Method {
    /**
     * @param frames   at least two frames in temporal order, all of the same size and channel count
     * @param progress receives progress and may cancel
     * @return one mask per frame
     * @throws IllegalArgumentException if there are fewer than two frames or they differ in size
     * @throws org.modelkit.api.progress.CancelledException if cancelled
     */
    Segmentation segment(List<Frame> frames, Progress progress);
}
