/**
 * Object segmentation: masks of the primary moving object in a sequence of frames.
 */
@Export
@Version("1.0.0")
package org.modelkit.api.segment;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
