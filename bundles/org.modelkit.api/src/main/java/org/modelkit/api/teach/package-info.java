/**
 * Student-teacher learning with an exponential-moving-average teacher (semi-supervised FixMatch,
 * self-supervised MoCo): the job-level {@link org.modelkit.api.teach.StudentTeacherTrainer} and its
 * request and result values. How the teacher follows the student (EMAN or the conventional batch-norm
 * teacher) is chosen by the name of a normalizer.
 */
@Export
@Version("1.0.0")
package org.modelkit.api.teach;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
