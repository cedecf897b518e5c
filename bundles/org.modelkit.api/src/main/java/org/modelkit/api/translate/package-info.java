/**
 * Structured prediction as translation: text in, entities and relations out, through an augmented natural language.
 */
@Export
@Version("1.0.0")
package org.modelkit.api.translate;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
