/**
 * Forgetting: remove the influence of a subset of the training samples from a trained model.
 */
@Export
@Version("1.1.0")
package org.modelkit.api.forget;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
