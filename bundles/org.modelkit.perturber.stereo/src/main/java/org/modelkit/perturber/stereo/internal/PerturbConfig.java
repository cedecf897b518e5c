package org.modelkit.perturber.stereo.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration PID {@code org.modelkit.perturber.stereo}. A bad value is refused and the previous settings stay. */
@ObjectClassDefinition(name = "Modelkit stereo perturber",
        description = "Stereopagnosia: adversarial perturbations of stereo networks (arXiv:2009.10142)")
@interface PerturbConfig {
    @AttributeDefinition(description = "the default attack", options = {@Option(value = "fgsm"), @Option(value = "ifgsm"),
        @Option(value = "mifgsm"), @Option(value = "uniform"), @Option(value = "gaussian")})
    String attack() default "fgsm";

    @AttributeDefinition(description = "ε in (0, 1]: the L∞ bound on [0, 1] intensities")
    double epsilon() default 0.02;

    @AttributeDefinition(description = "iterations of I-FGSM and MI-FGSM (>= 1)")
    int steps() default 40;

    @AttributeDefinition(description = "step size α > 0 of the iterative attacks; 0: the paper's for ε (2e-3 at 0.02)")
    double alpha() default 0;

    @AttributeDefinition(description = "MI-FGSM's μ in [0, 1)")
    double momentum() default 0.47;

    @AttributeDefinition(description = "the probability in [0, 1] of a diverse-input resize per step (0: off)")
    double diversity() default 0;

    @AttributeDefinition(description = "the images attacked", options = {@Option(value = "both"), @Option(value = "left"),
        @Option(value = "right")})
    String mode() default "both";

    @AttributeDefinition(description = "the largest disparity + 1 of a newly trained network (2..512)")
    int maxDisparity() default 8;
}
