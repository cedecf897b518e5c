package org.modelkit.forgetter.mixedprivacy.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration PID {@code org.modelkit.forgetter.mixedprivacy}. A bad value is refused and the previous settings stay. */
@ObjectClassDefinition(name = "Modelkit mixed-privacy forgetter", description = "Mixed-privacy forgetting (arXiv:2012.13431)")
@interface ForgetConfig {
    @AttributeDefinition(description = "target scale α: sample i's target is α·e_y (> 0)")
    double alpha() default 5;

    @AttributeDefinition(description = "weight decay λ of the user weights (> 0): H = JᵀJ/N + λI is λ-strongly convex")
    double lambda() default 1e-3;

    @AttributeDefinition(description = "standard deviation σ of the Gaussian noise added to every published w_u (> 0);"
            + " chosen: the largest of the digits sweep that keeps test accuracy within 1 point of the noise-free one")
    double sigma() default 0.01;

    @AttributeDefinition(description = "how many of the core network's last layers with parameters hold the user weights")
    int linearizedLayers() default 2;

    @AttributeDefinition(description = "conjugate gradients stop at this relative residual ‖g − H d‖/‖g‖")
    double cgTolerance() default 1e-10;

    @AttributeDefinition(description = "conjugate gradients stop after this many iterations (digits, K-FAC: about 2,200"
            + " reach 1e-10)")
    int maxIterations() default 5000;

    @AttributeDefinition(description = "cg: conjugate gradients on the device (Hessian-vector products only); direct:"
            + " Cholesky of the normal equations, dual or primal whichever is smaller (forms the Jacobian: small models)",
            options = {@Option(value = "cg"), @Option(value = "direct")})
    String solver() default "cg";

    @AttributeDefinition(description = "conjugate-gradient preconditioner: K-FAC of the retained samples, damped by λ",
            options = {@Option(value = "none"), @Option(value = "kfac")})
    String preconditioner() default "none";

    @AttributeDefinition(description = "epochs of SGD with momentum that fit the user weights (deliberately few)")
    int epochs() default 30;

    @AttributeDefinition(description = "seed of the noise, mixed with the id and the parent version; empty: a SecureRandom")
    String noiseSeed() default "";

    @AttributeDefinition(name = "audit.dir", description = "folder of the append-only audit logs (one <id>.jsonl per"
            + " model); empty: audit/ beside the model store's root")
    String audit_dir() default "";
}
