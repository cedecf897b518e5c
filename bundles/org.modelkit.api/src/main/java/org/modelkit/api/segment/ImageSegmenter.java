package org.modelkit.api.segment;

import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;
import org.modelkit.api.method.Method;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Segments the primary object of a single image, where motion says nothing (DyStaB's static model).
 *
 * @since 1.1
 */
@ProviderType
public interface ImageSegmenter extends Method {
    /**
     * @param frame an image of the size the segmenter's model was trained at
     * @return the object's mask, of the frame's size
     * @throws IllegalArgumentException naming the frame and the model if their sizes differ, or if no model is
     *                                  configured
     * @throws java.io.UncheckedIOException if the configured model cannot be read
     */
    Mask segment(Frame frame);
}
