/**
 * The neural-network toolkit the learning methods share: reference networks as DJL blocks
 * ({@link org.modelkit.nn.Networks}), labelled sets as batches of NDArrays, a training loop with fixed
 * seeds, progress and cancellation ({@link org.modelkit.nn.Training}), accuracy, and parameter files
 * written atomically ({@link org.modelkit.nn.Parameters}).
 */
@Export
@Version("0.8.0")
package org.modelkit.nn;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
