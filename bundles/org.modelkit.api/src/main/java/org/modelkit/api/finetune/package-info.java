/**
 * Fine-tuning a pre-trained network on a new labelled task: the job-level
 * {@link org.modelkit.api.finetune.FineTuner} (LQF: linearized, quadratic, K-FAC preconditioned) and
 * its request and result values.
 */
@Export
@Version("1.0.0")
package org.modelkit.api.finetune;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
