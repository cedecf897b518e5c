/**
 * Modelkit's conformance kit: one abstract JUnit 5 contract test per method interface
 * ({@link org.modelkit.testkit.EmbedderContract}, {@link org.modelkit.testkit.ClassifierContract},
 * {@link org.modelkit.testkit.FineTunerContract}, {@link org.modelkit.testkit.StudentTeacherTrainerContract},
 * {@link org.modelkit.testkit.PerturberContract}, {@link org.modelkit.testkit.SegmenterContract}), all
 * built on {@link org.modelkit.testkit.MethodContract}. A method bundle's in-framework test (OSGi Test, JUnit 5)
 * extends the one for its interface, names its method and gives a small valid input; every clause that fails says
 * which in its message ({@code contract clause 'bad-input': ...}).
 */
@Export
@Version("1.1.0")
package org.modelkit.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
