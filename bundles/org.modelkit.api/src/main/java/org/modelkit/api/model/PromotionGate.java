package org.modelkit.api.model;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A check every promotion must pass: {@link ModelStore#promote} moves an id's current pointer only after
 * every registered gate accepts. A method bundle registers one as an OSGi service (for example a gate
 * that refuses a model which flips too many of the current one's correct predictions).
 */
@ConsumerType
public interface PromotionGate {
    /** @return the gate's name, shown when it refuses */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * @param current   the id's current version (verified)
     * @param candidate the version to become current (verified)
     * @return empty to accept, or the reason for refusing (one line)
     */
    Optional<String> objection(StoredModel current, StoredModel candidate);
}
