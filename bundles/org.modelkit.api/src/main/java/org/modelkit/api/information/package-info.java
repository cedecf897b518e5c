/**
 * Per-sample information: how much each training sample tells the weights and the function of a model.
 */
@Export
@Version("1.1.0")
package org.modelkit.api.information;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
