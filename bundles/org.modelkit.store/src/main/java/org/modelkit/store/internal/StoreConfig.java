package org.modelkit.store.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration PID {@code org.modelkit.store}. */
@ObjectClassDefinition(name = "Modelkit model store", description = "Versioned, verified, atomically published models on disk")
@interface StoreConfig {
    @AttributeDefinition(description = "the store's root folder; empty: models/ under modelkit.home (./modelkit sets it to"
            + " the repository), or under the working folder")
    String root() default "";

    @AttributeDefinition(description = "whether opening a version recomputes every file's SHA-256 against meta.json",
            options = {@Option(value = "always"), @Option(value = "never")})
    String verify() default "always";

    @AttributeDefinition(description = "versions that must have a given digest: id@version=<sha-256 of the canonical meta.json>")
    String[] pins() default {};
}
