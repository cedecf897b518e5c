/**
 * Value types that cross Modelkit's job-level service interfaces: dense float tensors, labelled
 * sets, graphs in compressed sparse row form, image frames and masks, stereo pairs and disparity
 * maps, optical flow (1.2).
 *
 * <p>Every type validates its arguments on construction and throws
 * {@link java.lang.IllegalArgumentException} with a message that names the argument and the problem
 * (a shape that does not match the data length, a negative size, a NaN, an index out of range). Every
 * type is immutable: constructors copy the arrays they are given and accessors that return arrays
 * return copies; the {@code asBuffer}-style accessors give read-only views without copying.
 */
@Export
@Version("1.2.0")
package org.modelkit.api.data;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
