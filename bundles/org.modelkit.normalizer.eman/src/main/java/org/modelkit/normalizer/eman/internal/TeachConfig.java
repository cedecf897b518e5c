package org.modelkit.normalizer.eman.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the student-teacher jobs; the job request chooses paradigm, normalizer, data, epochs and seed. */
@ObjectClassDefinition(name = "Modelkit student-teacher training (EMAN)",
        description = "FixMatch and MoCo v2 with an EMA teacher; the teacher's normalizer is chosen per job (eman or bn)")
@interface TeachConfig {
    @AttributeDefinition(description = "LDAP filter choosing among the TensorBackends (DJL/PyTorch, autograd);"
            + " modelkit:backend use sets it")
    String backend_target() default "(modelkit.backend.available=true)";

    @AttributeDefinition(description = "FixMatch: a pseudo-label counts if the teacher's confidence is at least this")
    double threshold() default 0.7;

    @AttributeDefinition(description = "FixMatch: unlabelled samples per labelled sample in a step (mu)")
    int unlabelledRatio() default 5;

    @AttributeDefinition(description = "FixMatch: weight of the unlabelled loss (lambda_u)")
    double lambdaU() default 1.0;

    @AttributeDefinition(description = "FixMatch: labelled samples per step; MoCo: samples per step")
    int batchSize() default 32;

    @AttributeDefinition(description = "SGD learning rate (momentum 0.9, cosine decay to 0)")
    double learningRate() default 0.03;

    @AttributeDefinition(description = "L2 weight decay")
    double weightDecay() default 5e-4;

    @AttributeDefinition(description = "EMA momentum m of the teacher, v' <- m v' + (1-m) v (the paper: 0.999 over"
            + " hundreds of thousands of steps; 0.99 suits runs of a few thousand)")
    double emaMomentum() default 0.99;

    @AttributeDefinition(description = "Raise the momentum to 1 by BYOL's cosine schedule")
    boolean cosineMomentum() default false;

    @AttributeDefinition(description = "Mean-teacher warm-up: m_k = min(m, k/(k+1)), so the teacher averages all"
            + " student states so far until the EMA window is full (without it, a short run's EMAN teacher keeps much of"
            + " the initial running variance of 1)")
    boolean emaWarmup() default true;

    @AttributeDefinition(description = "MoCo: keys kept in the queue of negatives (a multiple of batchSize)")
    int queueSize() default 4096;

    @AttributeDefinition(description = "MoCo: softmax temperature")
    double temperature() default 0.2;

    @AttributeDefinition(description = "MoCo: dimension of the projection head's output")
    int embeddingDim() default 64;

    @AttributeDefinition(description = "MoCo evaluation: neighbours voting in k-nearest-neighbour classification")
    int knn() default 20;

    @AttributeDefinition(description = "Samples per forward pass when evaluating")
    int evalBatchSize() default 256;
}
