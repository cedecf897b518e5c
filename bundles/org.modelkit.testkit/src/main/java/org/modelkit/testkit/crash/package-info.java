/**
 * Killing a writer with SIGKILL at seeded random moments: {@link org.modelkit.testkit.crash.KillHarness} starts a
 * child JVM (a class with a main method on the test's class path) that writes version after version and announces
 * each write ({@code W KIND K} before, {@code D KIND K} after, {@code READY} once every target exists), waits until
 * the write it aims at has begun, waits a random moment more and kills it; the test then checks that every target is
 * a whole version; {@link org.modelkit.testkit.crash.KillHarness#inLanes} runs as many such sequences at once as there
 * are processors, each on its own targets. Used by the crash tests of org.modelkit.io (result files), org.modelkit.nn
 * (parameter files), org.modelkit.shell (the .cfg files of {@code modelkit:backend use}) and org.modelkit.store (its
 * publish). Plain Java: no framework needed.
 */
@Export
@Version("1.1.0")
package org.modelkit.testkit.crash;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
