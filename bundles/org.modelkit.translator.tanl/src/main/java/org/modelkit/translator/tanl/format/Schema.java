package org.modelkit.translator.tanl.format;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A data set's entity and relation types and the natural words TANL writes for them (the reference's
 * {@code natural_entity_types}, {@code natural_relation_types}).
 *
 * @param entities  each entity type's natural name ("Peop" to "person"), in a fixed order
 * @param relations each relation type's natural name ("Work_For" to "works for")
 */
public record Schema(Map<String, String> entities, Map<String, String> relations) {
    /** CoNLL04. */
    public static final Schema CONLL04 = new Schema(
            ordered("Loc", "location", "Org", "organization", "Peop", "person", "Other", "other"),
            ordered("Work_For", "works for", "Kill", "kills", "OrgBased_In", "organization based in", "Live_In", "lives in",
                    "Located_In", "located in"));
    /** CoNLL03 NER. */
    public static final Schema CONLL03 = new Schema(
            ordered("LOC", "location", "MISC", "miscellaneous", "ORG", "organization", "PER", "person"), Map.of());

    /** Copies the maps, keeping their order. */
    public Schema {
        entities = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entities));
        relations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(relations));
    }

    /**
     * @param keysAndValues alternating keys and values
     * @return an ordered map of them
     */
    public static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** @return the entity types' natural names */
    public Set<String> entityNames() {
        return Set.copyOf(entities.values());
    }

    /** @return the relation types' natural names */
    public Set<String> relationNames() {
        return Set.copyOf(relations.values());
    }

    /**
     * @param natural a natural name
     * @return the entity type written so
     * @throws IllegalArgumentException if none is
     */
    public String entityType(String natural) {
        return key(entities, natural, "entity");
    }

    /**
     * @param natural a natural name
     * @return the relation type written so
     * @throws IllegalArgumentException if none is
     */
    public String relationType(String natural) {
        return key(relations, natural, "relation");
    }

    private static String key(Map<String, String> m, String natural, String what) {
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (e.getValue().equals(natural)) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("no " + what + " type is written '" + natural + "'; known: " + m.values());
    }

    /**
     * SRL's role names: {@code ARG0} and {@code ARG1} are "first argument" and "second argument", others as they are.
     *
     * @param role a PropBank role
     * @return its natural name
     */
    public static String srlRole(String role) {
        return switch (role) {
            case "ARG0" -> "first argument";
            case "ARG1" -> "second argument";
            default -> role;
        };
    }
}
