package org.modelkit.distiller.focal.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration PID {@code org.modelkit.distiller.focal}. A bad value is refused and the previous settings stay. */
@ObjectClassDefinition(name = "Modelkit focal distillation",
        description = "Positive-congruent training: focal distillation from a reference model (arXiv:2011.09161)")
@interface DistillConfig {
    @AttributeDefinition(description = "α >= 0: the distillation weight of every sample")
    double alpha() default 1;

    @AttributeDefinition(description = "β >= 0: the extra weight of the samples the reference gets right (0: plain KD)")
    double beta() default 5;

    @AttributeDefinition(description = "T > 0: the temperature of the KL distance")
    double temperature() default 100;

    @AttributeDefinition(description = "the distance of the distillation term", options = {
        @Option(value = "kl", label = "temperature-scaled KL divergence (FD-KL)"),
        @Option(value = "lm", label = "logit matching (FD-LM)")})
    String distance() default "kl";

    @AttributeDefinition(description = "how an ensemble reference combines its members (chosen default: their logits'"
            + " mean; the paper's choice is unconfirmed)", options = {@Option(value = "logits"), @Option(value = "probabilities")})
    String ensembleAveraging() default "logits";

    @AttributeDefinition(description = "the optimiser", options = {@Option(value = "adam"), @Option(value = "sgd")})
    String optimiser() default "adam";

    @AttributeDefinition(description = "learning rate (> 0)")
    double lr() default 1e-3;

    @AttributeDefinition(description = "SGD's heavy-ball momentum in [0, 1)")
    double momentum() default 0.9;

    @AttributeDefinition(description = "samples per step (>= 1)")
    int batch() default 128;

    @AttributeDefinition(description = "epochs (>= 1)")
    int epochs() default 10;
}
