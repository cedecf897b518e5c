/**
 * Benchmarks of the embedder. They live in the embedder's internal package (a split package on the
 * plain class path of the benchmark JVM, never in OSGi) so that they time the same package-private
 * code the Embedder services run, without widening the bundle's API for them.
 */
package org.modelkit.embedder.betweenness.internal;
