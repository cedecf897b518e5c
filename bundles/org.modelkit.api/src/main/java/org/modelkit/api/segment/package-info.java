/**
 * Object segmentation: masks of the primary moving object in a sequence of frames ({@link Segmenter}), of the
 * primary object in a single image ({@link ImageSegmenter}, since 1.1), and the bootstrap of a static model from
 * motion ({@link SegmenterTrainer}, since 1.1).
 */
@Export
@Version("1.1.0")
package org.modelkit.api.segment;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
