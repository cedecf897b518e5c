/**
 * PyTorch backends outside OSGi ({@link org.modelkit.compute.pytorch.LocalBackends}), for tests,
 * benchmarks and plain Java; inside the framework the backends are {@code ComputeBackend} and
 * {@code TensorBackend} services.
 */
@Export
@Version("1.0.0")
package org.modelkit.compute.pytorch;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
