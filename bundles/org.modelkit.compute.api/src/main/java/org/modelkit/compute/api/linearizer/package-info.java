/**
 * A network linearized around its weights w0: {@code f_lin(x; w) = f(x; w0) + J(x; w0)(w - w0)}. The
 * {@link org.modelkit.compute.api.linearizer.Linearizer} SPI is implemented by the LQF bundle; the
 * forgetting (quadratic forgetting needs J·v and Jᵀ·u for Hessian-vector products), information
 * (Jacobian rows and NTK blocks Θ = J Jᵀ, randomly projected) and training-time (Θ's spectrum, f0)
 * bundles are built on it alone. {@link org.modelkit.compute.api.linearizer.LinearizedBatch} keeps one
 * batch's primal pass for repeated products and offers K-FAC curvature as a
 * {@link org.modelkit.compute.api.linearizer.Preconditioner}.
 */
@Export
@Version("1.1.0")
package org.modelkit.compute.api.linearizer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
