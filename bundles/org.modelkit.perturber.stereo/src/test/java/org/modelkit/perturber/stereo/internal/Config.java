package org.modelkit.perturber.stereo.internal;

import java.lang.annotation.Annotation;

/** A {@link PerturbConfig} with the defaults, fields overridable, for tests outside a framework. */
class Config implements PerturbConfig {
    String attack = "fgsm";
    double epsilon = 0.02;
    int steps = 40;
    double alpha = 0;
    double momentum = 0.47;
    double diversity = 0;
    String mode = "both";
    int maxDisparity = 8;

    @Override
    public Class<? extends Annotation> annotationType() {
        return PerturbConfig.class;
    }

    @Override
    public String attack() {
        return attack;
    }

    @Override
    public double epsilon() {
        return epsilon;
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public double alpha() {
        return alpha;
    }

    @Override
    public double momentum() {
        return momentum;
    }

    @Override
    public double diversity() {
        return diversity;
    }

    @Override
    public String mode() {
        return mode;
    }

    @Override
    public int maxDisparity() {
        return maxDisparity;
    }
}
