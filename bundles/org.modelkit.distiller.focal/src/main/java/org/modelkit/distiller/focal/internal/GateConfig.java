package org.modelkit.distiller.focal.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Factory configuration {@code org.modelkit.distiller.focal.gate~NAME}: one negative-flip gate per model id.
 * A configuration that cannot be used (a threshold outside [0, 1], no model id) makes a gate that refuses
 * every promotion of its id with the reason, so a bad setting never silently removes the check.
 */
@ObjectClassDefinition(name = "Modelkit negative-flip gate", description = "Refuses to make a model version current when"
        + " it flips too many of the current version's correct predictions on a held-out set")
@interface GateConfig {
    @AttributeDefinition(description = "the model id whose promotions this gate checks")
    String model_id();

    @AttributeDefinition(description = "the held-out samples: CSV with the label last, or an IDX images file with its labels"
            + " beside it")
    String heldout();

    @AttributeDefinition(description = "the largest negative flip rate accepted, in [0, 1]")
    double max_nfr() default 0.01;

    @AttributeDefinition(description = "the largest relative NFR accepted, in [0, 1]; below 0: not checked")
    double max_relative_nfr() default -1;

    @AttributeDefinition(description = "where each check writes ID@N/report.json and ID@N/flips.csv")
    String report_dir() default "out/gates";
}
