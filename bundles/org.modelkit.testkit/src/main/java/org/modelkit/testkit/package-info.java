/**
 * Modelkit's conformance kit: one abstract JUnit 5 contract test per method interface
 * ({@link org.modelkit.testkit.EmbedderContract}, {@link org.modelkit.testkit.ClassifierContract},
 * {@link org.modelkit.testkit.FineTunerContract}, {@link org.modelkit.testkit.StudentTeacherTrainerContract},
 * {@link org.modelkit.testkit.PerturberContract}, {@link org.modelkit.testkit.SegmenterContract},
 * {@link org.modelkit.testkit.ForgetterContract}, {@link org.modelkit.testkit.TrainingTimePredictorContract},
 * {@link org.modelkit.testkit.InformationEstimatorContract}, {@link org.modelkit.testkit.CongruentTrainerContract},
 * {@link org.modelkit.testkit.SegmenterTrainerContract}, {@link org.modelkit.testkit.ImageSegmenterContract},
 * {@link org.modelkit.testkit.StructuredTranslatorContract}), all
 * built on {@link org.modelkit.testkit.MethodContract}. A method bundle's in-framework test (OSGi Test, JUnit 5)
 * extends the one for its interface, names its method and gives a small valid input; every clause that fails says
 * which in its message ({@code contract clause 'bad-input': ...}).
 *
 * <p>1.2.0: contracts for every remaining method interface, and {@code MethodContract.takesProgress()} for interfaces whose
 * calls take no progress (their progress and cancellation clauses are skipped).
 */
@Export
@Version("1.2.0")
package org.modelkit.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
