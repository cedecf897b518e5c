package org.modelkit.store.internal;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Which model formats a folder holds, by file name, each checked by content where that is cheap: a
 * TorchScript file is a zip archive whose central directory reads, an ONNX file is a well-formed
 * protocol-buffer message with a graph, {@code model.json} is a JSON object.
 */
final class ContentChecks {
    static final String ONNX = "model.onnx";
    static final String TORCHSCRIPT = "model.pt";
    static final String PARAMETERS = "parameters.params";
    static final String SPEC = "model.json";

    private ContentChecks() {
    }

    /**
     * @param folder a version's files
     * @param what   how to name the folder in a message (the user's path, or "the files of ID")
     * @return "onnx", "torchscript", "djl-params", in that order, for the model files present
     * @throws IllegalArgumentException naming the file and the problem if a check fails or there is no model file
     */
    static List<String> formats(Path folder, String what) throws IOException {
        List<String> out = new ArrayList<>();
        if (Files.isRegularFile(folder.resolve(ONNX))) {
            onnx(folder.resolve(ONNX));
            out.add("onnx");
        }
        if (Files.isRegularFile(folder.resolve(TORCHSCRIPT))) {
            torchScript(folder.resolve(TORCHSCRIPT));
            out.add("torchscript");
        }
        if (Files.isRegularFile(folder.resolve(PARAMETERS))) {
            if (Files.size(folder.resolve(PARAMETERS)) == 0) {
                throw new IllegalArgumentException("'" + folder.resolve(PARAMETERS) + "' is empty, not DJL parameters");
            }
            out.add("djl-params");
        }
        if (Files.isRegularFile(folder.resolve(SPEC))) {
            spec(folder.resolve(SPEC));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no model file (" + ONNX + ", " + TORCHSCRIPT + " or "
                    + PARAMETERS + ")");
        }
        return out;
    }

    /** @return the text of model.json, after checking it is a JSON object */
    static String spec(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try (Reader r = new java.io.StringReader(text)) {
            if (!JsonParser.parseReader(r).isJsonObject()) {
                throw new IllegalArgumentException("'" + file + "' is not a model description: not a JSON object");
            }
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("'" + file + "' is not a model description: not valid JSON ("
                    + e.getMessage() + ")");
        }
        return text;
    }

    /** A TorchScript file is a zip archive; reading its central directory catches a truncated one. */
    static void torchScript(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            if (magic.length < 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4) {
                throw new IllegalArgumentException("'" + file + "' is not a TorchScript model: not a zip archive");
            }
        }
        try (ZipFile z = new ZipFile(file.toFile())) {
            if (z.size() == 0) {
                throw new IllegalArgumentException("'" + file + "' is not a TorchScript model: an empty zip archive");
            }
        } catch (ZipException e) {
            throw new IllegalArgumentException("'" + file + "' is not a TorchScript model: a damaged or truncated zip"
                    + " archive (" + e.getMessage() + ")");
        }
    }

    /**
     * An ONNX file is a serialised {@code ModelProto}. Its structure is checked at the protocol-buffer
     * wire level: every field's key and length fit the file, and field 7 (the graph) is present and is
     * itself well-formed. Written by hand because the one library that parses protocol buffers in Java
     * would need the generated ONNX classes as a second bundle, for a check that reads no field's value;
     * ONNX Runtime, which parses it fully, is not a dependency of this pure-Java bundle.
     */
    static void onnx(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        String problem = wellFormed(b, 0, b.length, true);
        if (problem != null) {
            throw new IllegalArgumentException("'" + file + "' is not an ONNX model: " + problem);
        }
    }

    /** @return null if b[from, to) is a well-formed message (with a graph, if asked), else the problem */
    static String wellFormed(byte[] b, int from, int to, boolean needGraph) {
        int[] pos = {from};
        boolean graph = false;
        if (from == to) {
            return "it is empty";
        }
        while (pos[0] < to) {
            long key = varint(b, pos, to);
            if (key < 0) {
                return "a field key runs past the end at byte " + pos[0] + " (truncated?)";
            }
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 0) {
                return "field number 0 at byte " + pos[0];
            }
            switch (wire) {
                case 0 -> {
                    if (varint(b, pos, to) < 0) {
                        return "a number runs past the end (truncated?)";
                    }
                }
                case 1 -> pos[0] += 8;
                case 5 -> pos[0] += 4;
                case 2 -> {
                    long len = varint(b, pos, to);
                    if (len < 0 || len > to - pos[0]) {
                        return "field " + field + " is " + len + " bytes long but only " + (to - pos[0])
                                + " remain (truncated?)";
                    }
                    if (needGraph && field == 7) {
                        String inner = wellFormed(b, pos[0], pos[0] + (int) len, false);
                        if (inner != null) {
                            return "its graph is damaged: " + inner;
                        }
                        graph = true;
                    }
                    pos[0] += (int) len;
                }
                default -> {
                    return "wire type " + wire + " of field " + field + " is not a protocol-buffer type";
                }
            }
            if (pos[0] > to) {
                return "the last field runs past the end (truncated?)";
            }
        }
        return needGraph && !graph ? "it has no graph (field 7)" : null;
    }

    /** @return the varint at pos (advanced), or -1 if it runs past {@code to} or exceeds 64 bits */
    private static long varint(byte[] b, int[] pos, int to) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= to) {
                return -1;
            }
            int x = b[pos[0]++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v & Long.MAX_VALUE;
            }
        }
        return -1;
    }
}
