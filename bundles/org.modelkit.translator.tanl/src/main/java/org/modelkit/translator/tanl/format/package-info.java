/**
 * TANL's augmented natural language without a model: the word tokenizer that keeps character offsets, the encoder
 * of annotations into an augmented sentence, the parser and token alignment that read one back, the seven tasks'
 * input and output formats, and their metrics (micro P/R/F1, MUC, B³, CEAFφ4, joint goal accuracy). Pure Java; a
 * model's output string goes in, typed spans come out.
 */
@Export
@Version("1.0.0")
package org.modelkit.translator.tanl.format;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
