package org.modelkit.api.method;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The common super-interface of Modelkit's method services.
 *
 * <p>A bundle that provides a method registers its service under the method's own interface and
 * under this one, with the service property {@link #NAME_PROPERTY} equal to
 * {@code descriptor().name()}; with Declarative Services:
 *
 * <pre>
 * &#64;Component(service = {Embedder.class, Method.class}, property = Method.NAME_PROPERTY + "=my-embedding")
 * </pre>
 */
@ProviderType
public interface Method {
    /** Service property naming the method; equal to {@code descriptor().name()}. */
    String NAME_PROPERTY = "modelkit.method";

    /** @return the description of this method; never null, the same on every call */
    MethodDescriptor descriptor();
}
