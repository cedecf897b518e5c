/**
 * Classifying samples with a trained model on whichever compute backend is bound: the job-level
 * {@link org.modelkit.api.classify.Classifier} and its result.
 */
@Export
@Version("1.0.0")
package org.modelkit.api.classify;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
