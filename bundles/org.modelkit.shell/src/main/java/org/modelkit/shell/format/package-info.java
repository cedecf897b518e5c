/**
 * Results of Modelkit's shell commands and how they are shown: a {@link org.modelkit.shell.format.TextTable}
 * for lists, a {@link org.modelkit.shell.format.Summary} for one item, and a
 * {@link org.modelkit.shell.format.ConsoleProgress} that renders a method's progress as one
 * updating line; {@link org.modelkit.shell.format.Usage} and {@link org.modelkit.shell.format.Args}
 * give a command usage lines instead of Gogo's "Cannot coerce" and clear errors for bad values, and
 * {@link org.modelkit.shell.format.Methods} finds the method a command's {@code -m NAME} chooses and holds it for the call, and
 * {@link org.modelkit.shell.format.Models} resolves a MODEL argument (a stored model or a path) and publishes results to the model store. Any bundle's Gogo command may return these; the shell's Converter formats them, and
 * {@code toString()} gives the same text for scripts ({@code echo (modelkit:methods)}).
 */
@Export
@Version("1.5.0")
package org.modelkit.shell.format;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
