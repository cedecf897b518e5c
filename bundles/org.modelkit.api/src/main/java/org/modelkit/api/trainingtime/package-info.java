/**
 * Training-time prediction: the loss and accuracy curve of a training run, predicted without running it.
 */
@Export
@Version("1.0.0")
package org.modelkit.api.trainingtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
