/**
 * Positive-congruent training: train a new model that agrees with a reference model where the reference was right, and measure negative flips.
 */
@Export
@Version("1.1.0")
package org.modelkit.api.congruent;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
