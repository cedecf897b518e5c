/**
 * Trained models kept in a model store on disk: {@link org.modelkit.api.model.ModelHandle}s
 * ({@code id@version}) name them, {@link org.modelkit.api.model.ModelStore} publishes, verifies,
 * promotes and retires them. Job-level services exchange handles or resolved folders, never engine
 * objects, so a pure-Java bundle can call them.
 */
@Export
@Version("1.1.0")
package org.modelkit.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
