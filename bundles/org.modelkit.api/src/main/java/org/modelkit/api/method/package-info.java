/**
 * What every Modelkit method service has in common: a {@link org.modelkit.api.method.MethodDescriptor} that names the method, its paper, its version and what it needs from a compute backend, so the shell and third parties can list what is installed.
 *
 * <p>A method service registers under its own interface (for example
 * {@link org.modelkit.api.embed.Embedder}) <em>and</em> under {@link org.modelkit.api.method.Method},
 * with the service property {@value org.modelkit.api.method.Method#NAME_PROPERTY} set to its
 * descriptor's name.
 */
@Export
@Version("1.1.0")
package org.modelkit.api.method;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
