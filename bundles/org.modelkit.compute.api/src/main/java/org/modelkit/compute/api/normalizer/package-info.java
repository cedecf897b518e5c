/**
 * How a teacher network follows a student in student-teacher learning (mean teacher, FixMatch, MoCo,
 * BYOL): the {@link org.modelkit.compute.api.normalizer.Normalizer} SPI, implemented by the EMAN bundle
 * as "eman" (teacher always in inference mode, every state entry including batch-norm statistics
 * averaged from the student) and "bn" (the conventional EMA of learnable parameters, teacher normalising
 * with batch statistics), so experiments compare the two on equal terms.
 */
@Export
@Version("1.0.0")
package org.modelkit.compute.api.normalizer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
