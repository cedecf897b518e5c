package org.modelkit.segmenter.motion.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration PID {@code org.modelkit.segmenter.motion}. A bad value is refused and the previous settings stay. */
@ObjectClassDefinition(name = "Modelkit motion segmenter",
        description = "CIS: the primary moving object as the region whose flow the rest cannot predict (arXiv:2008.07012)")
@interface SegmentConfig {
    @AttributeDefinition(description = "the optical flow (BoofCV)", options = {@Option(value = "brox"), @Option(value = "hs"),
        @Option(value = "klt")})
    String flow() default "brox";

    @AttributeDefinition(description = "cis: the fixed inpainter (per-frame masks, no training) or the learned mode (a mask"
            + " network against an inpainter network, trained on the sequence)", options = {@Option(value = "fixed"),
                @Option(value = "learned")})
    String mode() default "fixed";

    @AttributeDefinition(description = "the learned mode's training cycles (one inpainter step, three mask steps each)")
    int cycles() default 200;

    @AttributeDefinition(description = "the learned mode's Adam rate (the reference 1e-4)")
    double learnedRate() default 1e-4;

    @AttributeDefinition(description = "the frame gap g of the flow from frame t to t + g (>= 1)")
    int gap() default 1;

    @AttributeDefinition(description = "the longest side the objective is optimised at; the flow is averaged down to it"
            + " and the masks scaled back up (16..512)")
    int workSide() default 64;

    @AttributeDefinition(description = "the fixed inpainter's Gaussian σ in pixels at the working size; 0: a tenth of"
            + " the smaller side")
    double sigma() default 0;

    @AttributeDefinition(description = "ε > 0 at the reference 192x384 frames with the flow divided by 80 (rescaled to"
            + " the working size)")
    double epsilon() default 75;

    @AttributeDefinition(description = "χ above it is the mask, in (0, 1)")
    double threshold() default 0.1;

    @AttributeDefinition(description = "a mask covering more than this fraction of the 2-pixel border is complemented,"
            + " in (0, 1]")
    double border() default 0.6;

    @AttributeDefinition(description = "Adam steps per frame (>= 1)")
    int steps() default 200;

    @AttributeDefinition(description = "Adam's rate on the mask logits (> 0)")
    double rate() default 2;

    @AttributeDefinition(description = "optimisations per frame from different starts, the lowest loss kept (>= 1)")
    int starts() default 8;

    @AttributeDefinition(description = "the seed of the starts")
    long seed() default 1;

    @AttributeDefinition(description = "dystab: the static model's directory (written by modelkit:segmenttrain); empty:"
            + " none, and dystab refuses to segment")
    String model() default "";

    @AttributeDefinition(description = "dystab training: rounds of dynamic masks and static training (>= 1)")
    int rounds() default 2;

    @AttributeDefinition(description = "dystab training: epochs of the static network per round (>= 1)")
    int epochs() default 40;

    @AttributeDefinition(description = "dystab training: λ >= 0, the weight of BCE(χ, S(I)) by which the static model"
            + " regularises the dynamic masks from the second round on")
    double lambda() default 1;

    @AttributeDefinition(description = "dystab training: a frame's motion is informative when at least 1 % of its"
            + " pixels move more than this many pixels against the frame's median flow (> 0)")
    double motion() default 1;
}
