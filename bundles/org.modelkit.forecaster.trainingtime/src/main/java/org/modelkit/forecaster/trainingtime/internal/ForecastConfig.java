package org.modelkit.forecaster.trainingtime.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration PID {@code org.modelkit.forecaster.trainingtime}. A bad value is refused and the previous settings stay. */
@ObjectClassDefinition(name = "Modelkit training-time predictor",
        description = "Predicting training time without training (arXiv:2008.12478)")
@interface ForecastConfig {
    @AttributeDefinition(description = "target scale α of the squared loss: sample i's target is α·e_y (> 0)")
    double alpha() default 1;

    @AttributeDefinition(description = "random coordinates of the gradient kept per parameter tensor, scaled by"
            + " √(size/kept) (0: the whole gradient)")
    int projectionPerTensor() default 0;

    @AttributeDefinition(description = "form Θ from a seeded subset of this many samples, its eigenvalues and p_k² scaled"
            + " by N/n (0: all samples)")
    int subset() default 0;

    @AttributeDefinition(description = "mini-batches of B < N add the mean-field variance of SGD's noise (momentum 0)")
    boolean noiseModel() default true;

    @AttributeDefinition(description = "exact: the heavy-ball recurrence per mode; effective-rate: gradient descent at"
            + " η/(1 − m), its slow-mode limit", options = {@Option(value = "exact"), @Option(value = "effective-rate")})
    String momentum() default "exact";

    @AttributeDefinition(description = "the largest n·C (samples × outputs) formed into Θ; above it a subset is needed")
    int maxRows() default 3000;
}
