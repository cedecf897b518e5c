package org.modelkit.embedder.betweenness.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the three spectral embedders (one PID each); underscores become dots. */
@ObjectClassDefinition(name = "Modelkit spectral embedder",
        description = "Edge betweenness, eigensolver and wave-kernel settings of a spectral graph embedder")
public @interface EmbedderConfig {
    @AttributeDefinition(name = "Betweenness", description = "exact: every node a source; sampled: "
            + "betweenness.samples random sources with a Hoeffding error bound; auto: exact while nodes x edges <= 2e9",
            options = {@Option(value = "auto"), @Option(value = "exact"), @Option(value = "sampled")})
    String betweenness_mode() default "auto";

    @AttributeDefinition(name = "Sampled sources", min = "1")
    int betweenness_samples() default 512;

    @AttributeDefinition(name = "Betweenness scale", description = "W_B = scale x normalised edge betweenness "
            + "(10 in the authors' code); it moves the Stein equation's conditioning")
    double betweenness_scale() default 10.0;

    @AttributeDefinition(name = "Weighted paths", description = "use edge weights as path lengths")
    boolean betweenness_weighted() default false;

    @AttributeDefinition(name = "Seed", description = "for source sampling and eigensolver start vectors")
    long seed() default 42L;

    @AttributeDefinition(name = "Threads", description = "betweenness worker threads; 0 = all cores", min = "0")
    int threads() default 0;

    @AttributeDefinition(name = "Dense limit", description = "largest node count solved with dense eigendecompositions;"
            + " above it, Lanczos computes the extreme eigenpairs", min = "2")
    int dense_limit() default 1000;

    @AttributeDefinition(name = "Eigenpairs", description = "eigenpairs kept per matrix above the dense limit", min = "2")
    int eigenpairs() default 48;

    @AttributeDefinition(name = "WKS width", description = "wave-kernel bump width, in units of the spacing"
            + " between energy samples (sigma = w x spacing); 1 keeps the d energies' bumps apart, the"
            + " original 7 was meant for 100 energies")
    double wks_width() default 1.0;
}
