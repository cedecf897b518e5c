package org.modelkit.translator.tanl.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.modelkit.io.FormatException;
import org.modelkit.io.Json;
import org.modelkit.translator.tanl.format.Schema;
import org.modelkit.translator.tanl.format.Span;
import org.modelkit.translator.tanl.format.SpanRelation;

/**
 * SpERT's JSON lines (the format CoNLL04, ADE and SciERC are distributed in): one sentence per line,
 * {@code {"tokens": [...], "entities": [{"type", "start", "end"}], "relations": [{"type", "head", "tail"}]}} with
 * entity spans in tokens (end exclusive) and relations by entity index. Types are the data set's ("Peop"); the
 * examples carry their natural names ("person") through a {@link Schema}.
 */
final class SpertJsonl {
    private SpertJsonl() {
    }

    /**
     * @param file   a JSONL file
     * @param schema the known types, or null to take every type found (natural names made from the type: lower case,
     *               underscores as spaces, CoNLL04's names for CoNLL04's types)
     * @return the examples, and the schema used
     * @throws FormatException naming the line and the problem: not UTF-8, not JSON, a span out of range, a relation
     *                         index that names no entity, an unknown type
     */
    static Read read(Path file, Schema schema) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(file, "is not UTF-8 text");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, String> entityTypes = new LinkedHashMap<>();
        Map<String, String> relationTypes = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + ":" + (i + 1);
            @SuppressWarnings("unchecked")
            Map<String, Object> row = Json.parse(line, where, Map.class);
            row.put("#line", where);
            rows.add(row);
            for (Object e : list(row, "entities", where)) {
                entityTypes.putIfAbsent(type(e, where), natural(type(e, where), Schema.CONLL04.entities()));
            }
            for (Object r : list(row, "relations", where)) {
                relationTypes.putIfAbsent(type(r, where), natural(type(r, where), Schema.CONLL04.relations()));
            }
        }
        if (rows.isEmpty()) {
            throw new FormatException(file, "holds no sentence");
        }
        Schema s = schema != null ? schema : new Schema(entityTypes, relationTypes);
        List<Example> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            out.add(example(row, s));
        }
        return new Read(out, s);
    }

    /**
     * @param examples the sentences
     * @param schema   their types
     */
    record Read(List<Example> examples, Schema schema) {
    }

    private static String natural(String type, Map<String, String> known) {
        return known.getOrDefault(type, type.toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    }

    private static List<?> list(Map<String, Object> row, String key, String where) throws FormatException {
        Object v = row.getOrDefault(key, List.of());
        if (!(v instanceof List<?> l)) {
            throw new FormatException(where, "field '" + key + "' must be a list");
        }
        return l;
    }

    private static String type(Object o, String where) throws FormatException {
        if (!(o instanceof Map<?, ?> m) || !(m.get("type") instanceof String t) || t.isBlank()) {
            throw new FormatException(where, "has an entity or relation without a type: " + o);
        }
        return t;
    }

    private static int index(Object o, String key, String where) throws FormatException {
        if (!(o instanceof Map<?, ?> m) || !(m.get(key) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new FormatException(where, "field '" + key + "' of " + o + " must be an integer");
        }
        return n.intValue();
    }

    private static Example example(Map<String, Object> row, Schema s) throws FormatException {
        String where = (String) row.get("#line");
        List<String> tokens = new ArrayList<>();
        for (Object t : list(row, "tokens", where)) {
            if (!(t instanceof String w) || w.isBlank() || w.strip().contains(" ")) {
                throw new FormatException(where, "has a token that is not one word: '" + t + "'");
            }
            tokens.add(w.strip());
        }
        if (tokens.isEmpty()) {
            throw new FormatException(where, "has no tokens");
        }
        List<Span> entities = new ArrayList<>();
        for (Object e : list(row, "entities", where)) {
            String type = type(e, where);
            int start = index(e, "start", where);
            int end = index(e, "end", where);
            if (start < 0 || end <= start || end > tokens.size()) {
                throw new FormatException(where, "has entity span [" + start + ", " + end + ") out of range of its "
                        + tokens.size() + " tokens");
            }
            String natural = s.entities().get(type);
            if (natural == null) {
                throw new FormatException(where, "has entity type '" + type + "'; known: " + s.entities().keySet());
            }
            entities.add(new Span(natural, start, end));
        }
        Set<SpanRelation> relations = new LinkedHashSet<>();
        for (Object r : list(row, "relations", where)) {
            String type = type(r, where);
            int head = index(r, "head", where);
            int tail = index(r, "tail", where);
            if (head < 0 || tail < 0 || head >= entities.size() || tail >= entities.size()) {
                throw new FormatException(where, "has relation " + type + " (" + head + ", " + tail + ") naming no entity of"
                        + " the " + entities.size());
            }
            String natural = s.relations().get(type);
            if (natural == null) {
                throw new FormatException(where, "has relation type '" + type + "'; known: " + s.relations().keySet());
            }
            relations.add(new SpanRelation(natural, entities.get(head), entities.get(tail)));
        }
        return new Example(tokens, new ArrayList<>(new LinkedHashSet<>(entities)), new ArrayList<>(relations));
    }

    /**
     * @param e      an example
     * @param schema its types
     * @return its line: tokens, entities and relations with the data set's type names
     */
    static Map<String, Object> toJson(Example e, Schema schema) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokens", e.tokens());
        List<Object> ents = new ArrayList<>();
        for (Span s : e.entities()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("type", schema.entityType(s.type()));
            x.put("start", s.start());
            x.put("end", s.end());
            ents.add(x);
        }
        m.put("entities", ents);
        List<Object> rels = new ArrayList<>();
        for (SpanRelation r : e.relations()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("type", schema.relationType(r.type()));
            x.put("head", e.entities().indexOf(r.head()));
            x.put("tail", e.entities().indexOf(r.tail()));
            rels.add(x);
        }
        m.put("relations", rels);
        return m;
    }
}
