/**
 * References to trained models kept in a model store on disk. Job-level services exchange handles, never engine objects, so a pure-Java bundle can call them.
 */
@Export
@Version("1.0.0")
package org.modelkit.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
