/**
 * Compute backends: a {@link org.modelkit.compute.api.ComputeBackend} is a service for one engine
 * (DJL's PyTorch engine or ONNX Runtime) on one device. Method components reference backends
 * dynamically and greedily, with a target filter from their configuration ({@code backend.target}),
 * so a backend can be swapped while the system runs; the service properties
 * {@value org.modelkit.compute.api.ComputeBackend#ID}, {@value org.modelkit.compute.api.ComputeBackend#ENGINE},
 * {@value org.modelkit.compute.api.ComputeBackend#DEVICE} and
 * {@value org.modelkit.compute.api.ComputeBackend#CAPABILITIES} make them filterable, for example
 * {@code (capabilities=autograd)}. Backends that compute on DJL NDArrays with autograd are also registered
 * as {@link org.modelkit.compute.api.TensorBackend}, which methods that train reference, so that every
 * manager, model and device they use comes from the backend they are bound to. 2.0.0: {@code newManager}
 * moved from ComputeBackend to TensorBackend, the capability enum is {@link org.modelkit.api.method.Capability},
 * and ComputeBackend tells its {@code formats()}.
 */
@Export
@Version("2.0.0")
package org.modelkit.compute.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
