package org.modelkit.translator.tanl.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.modelkit.translator.tanl.format.Schema;
import org.modelkit.translator.tanl.format.TaskKind;

/**
 * A task a model was trained for.
 *
 * @param name   its name ("conll04"), the multi-task prefix when a model has more than one
 * @param kind   its output format
 * @param schema its types' natural names
 */
record TaskSpec(String name, TaskKind kind, Schema schema) {
    TaskSpec {
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("task name '" + name + "' must be letters, digits, '.', '_' or '-'");
        }
    }

    /** @return the form model.json keeps */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("kind", kind.label());
        m.put("entities", schema.entities());
        m.put("relations", schema.relations());
        return m;
    }
}
