package org.modelkit.translator.tanl.format;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The output formats of TANL's tasks. */
public enum TaskKind {
    /** Entities and the relations written on their heads. */
    JOINT_ER("jer"),
    /** Entities only, nesting allowed. */
    NER("ner"),
    /** One relation between two marked entities. */
    RELATION_CLASSIFICATION("rc"),
    /** A marked predicate's arguments. */
    SRL("srl"),
    /** Event triggers. */
    EVENT_TRIGGER("event-trigger"),
    /** One marked trigger's arguments and roles. */
    EVENT_ARGUMENT("event-argument"),
    /** Mentions linked to the previous mention of their chain. */
    COREFERENCE("coref"),
    /** A dialogue's belief state. */
    DIALOGUE_STATE("dst"),
    /** An intent and slots. */
    INTENT_SLOTS("icsl");

    private final String label;

    TaskKind(String label) {
        this.label = label;
    }

    /** @return the short name used in configurations and model files */
    public String label() {
        return label;
    }

    /**
     * @param name a short name
     * @return its kind
     * @throws IllegalArgumentException naming the known ones
     */
    public static TaskKind parse(String name) {
        for (TaskKind k : values()) {
            if (k.label.equals(name.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown task kind '" + name + "'; known: "
                + Arrays.stream(values()).map(TaskKind::label).collect(Collectors.joining(", ")));
    }

    /**
     * @param task  the task's name in a multi-task model
     * @param input the task's input
     * @return the multi-task input, {@code task : input}
     */
    public static String prefixed(String task, String input) {
        return task + " : " + input;
    }
}
