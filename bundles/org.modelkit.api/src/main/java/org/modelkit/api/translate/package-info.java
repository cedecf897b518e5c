/**
 * Structured prediction as translation: text in, entities and relations out, through an augmented natural language.
 */
@Export
@Version("1.1.0")
package org.modelkit.api.translate;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
