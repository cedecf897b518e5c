package org.modelkit.health.internal;

import java.util.List;
import org.apache.felix.hc.api.HealthCheck;

/** The service properties every Modelkit check carries. */
final class Checks {
    /** Every Modelkit check has this tag: {@code modelkit:health} and {@code hc:exec -t modelkit} run them all. */
    static final String TAG = "modelkit";

    private Checks() {
    }

    /**
     * @param name the check's name, for example "backend onnx-cpu"
     * @param tags its tags besides {@value #TAG}
     * @return its service properties
     */
    static java.util.Hashtable<String, Object> properties(String name, String... tags) {
        java.util.Hashtable<String, Object> p = new java.util.Hashtable<>();
        p.put(HealthCheck.NAME, name);
        String[] all = new String[tags.length + 1];
        all[0] = TAG;
        System.arraycopy(tags, 0, all, 1, tags.length);
        p.put(HealthCheck.TAGS, all);
        return p;
    }

    /** @return the tags a check's reference carries, as a list */
    static List<String> tags(Object property) {
        if (property instanceof String[] a) {
            return List.of(a);
        }
        if (property instanceof java.util.Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return property == null ? List.of() : List.of(String.valueOf(property));
    }
}
