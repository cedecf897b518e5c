package org.modelkit.information.unique.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.modelkit.information.unique}. A bad value is refused and the previous settings stay. */
@ObjectClassDefinition(name = "Modelkit smooth unique information",
        description = "Estimating the unique information of training samples (arXiv:2101.06640)")
@interface InformationConfig {
    @AttributeDefinition(description = "learning rate lr of the predicted full-batch gradient descent on the mean loss (> 0)")
    double lr() default 0.01;

    @AttributeDefinition(description = "gradient descent steps t (0: infinitely many, the converged solution)")
    int steps() default 600;

    @AttributeDefinition(description = "weight decay λ′ towards w0 on the mean loss (>= 0)")
    double weightDecay() default 0;

    @AttributeDefinition(description = "σ of the smoothing noise on the predictions: F-SI is in nats of it (> 0)")
    double sigma() default 1;

    @AttributeDefinition(description = "σ_w of the smoothing noise on the weights (> 0)")
    double weightSigma() default 1;

    @AttributeDefinition(description = "random gradient coordinates kept per parameter tensor, scaled by √(size/kept)"
            + " (0: the whole gradient)")
    int projectionPerTensor() default 2000;

    @AttributeDefinition(description = "seed of the projection")
    long seed() default 1;

    @AttributeDefinition(description = "the largest n·k (samples × outputs) accepted; Θ and the leave-one-out solutions"
            + " take about 8·(2(nk)² + 3nk(n + 1)) bytes")
    int maxRows() default 3000;
}
