package org.modelkit.linearizer.lqf.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of LQF fine-tuning; the request chooses model, data, solver, steps and linearized layers. */
@ObjectClassDefinition(name = "Modelkit LQF fine-tuning",
        description = "Linearized fine-tuning with MSE on scaled one-hot targets, weight decay towards w0, K-FAC")
@interface FineTuneConfig {
    @AttributeDefinition(description = "LDAP filter choosing among the TensorBackends (DJL/PyTorch, autograd);"
            + " modelkit:backend use sets it")
    String backend_target() default "(modelkit.backend.available=true)";

    @AttributeDefinition(description = "Scale alpha of the one-hot targets")
    double alpha() default 1.0;

    @AttributeDefinition(description = "Weight decay lambda towards the pre-trained weights (> 0: a unique optimum)")
    double weightDecay() default 1e-4;

    @AttributeDefinition(description = "K-FAC damping gamma; sqrt(gamma) is added to each factor's diagonal")
    double damping() default 1e-3;

    @AttributeDefinition(description = "K-FAC step size; 0 takes the step that minimises the quadratic along the"
            + " preconditioned direction exactly")
    double kfacRate() default 0;

    @AttributeDefinition(description = "Gradient-descent step size; 0 takes 1.9 / the Hessian's largest eigenvalue,"
            + " the largest stable step (found by power iteration)")
    double gdRate() default 0;

    @AttributeDefinition(description = "Standard deviation of the new head's initial weights (its bias starts at 0);"
            + " 0 starts the head as the linear probe (ridge regression on the frozen features)")
    double headScale() default 0.01;

    @AttributeDefinition(description = "Samples per forward pass when evaluating")
    int evalBatchSize() default 256;
}
