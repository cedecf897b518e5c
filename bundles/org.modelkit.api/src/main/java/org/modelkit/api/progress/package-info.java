/**
 * Progress reporting and cooperative cancellation for long-running method calls.
 */
@Export
@Version("1.0.0")
package org.modelkit.api.progress;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
