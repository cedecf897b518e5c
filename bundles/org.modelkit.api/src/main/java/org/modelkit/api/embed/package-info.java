/**
 * Graph embedding: a vector per node (and per edge) from the structure of a graph.
 */
@Export
@Version("1.0.0")
package org.modelkit.api.embed;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
