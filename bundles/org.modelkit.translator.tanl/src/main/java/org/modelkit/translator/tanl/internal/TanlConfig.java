package org.modelkit.translator.tanl.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.modelkit.translator.tanl}. A bad value is refused and the previous settings stay. */
@ObjectClassDefinition(name = "Modelkit TANL translator",
        description = "TANL: structured prediction as translation between augmented natural languages (arXiv:2101.05779)")
@interface TanlConfig {
    @AttributeDefinition(description = "the model directory (modelkit:tanltrain writes one); empty: none")
    String model() default "";

    @AttributeDefinition(description = "beams of the beam search (>= 1; 1 is greedy decoding; the paper uses 8)")
    int beams() default 1;

    @AttributeDefinition(description = "the longest input in tokens (0: the model's own maximum; never above it)")
    int maxInput() default 0;

    @AttributeDefinition(description = "the longest output in tokens (0: the model's own maximum; never above it)")
    int maxOutput() default 0;
}
