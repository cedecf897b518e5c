/**
 * Adversarial perturbations of stereo pairs against a disparity model.
 */
@Export
@Version("1.1.0")
package org.modelkit.api.perturb;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
