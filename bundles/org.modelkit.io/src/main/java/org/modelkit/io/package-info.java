/**
 * Readers and writers for the file formats Modelkit's methods consume and produce: IDX (MNIST,
 * Fashion-MNIST; plain or gzip), CSV matrices and label columns, edge lists, GML and graph-tool
 * graphs, PGM/PNG images and folders of frames, PFM disparity maps, and JSON results.
 *
 * <p>Readers validate strictly. A malformed file raises {@link org.modelkit.io.FormatException}
 * whose message starts with the file name and says what is wrong and where (line, column, byte
 * offset, record). Declared sizes are checked before anything is allocated, so a corrupt header that
 * claims gigabytes fails fast instead of exhausting memory.
 *
 * <p>Writers are atomic: they write to a temporary file in the target's directory and rename it
 * into place, so a failed write leaves the previous file (or no file) and never a half-written one.
 *
 * <p>1.8.0: {@link org.modelkit.io.Images#MAX_PIXELS}; every reader is fuzzed (ReadersFuzzTest), and what that found is
 * refused with a {@link org.modelkit.io.FormatException} (class labels above 65,535, manifest lines naming a file
 * outside their folder, PNG and JPEG headers larger than the bound).
 *
 * <p>1.9.0: {@link org.modelkit.io.Idx#readHeader}, and ranges of records ({@link org.modelkit.io.Idx#read(java.nio.file.Path, int, int)}, images and labels), for jobs that split a file into partitions.
 */
@Export
@Version("1.9.0")
package org.modelkit.io;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
