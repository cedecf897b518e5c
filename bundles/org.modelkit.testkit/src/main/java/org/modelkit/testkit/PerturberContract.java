package org.modelkit.testkit;

import java.nio.file.Path;
import java.util.List;
import org.modelkit.api.data.Disparity;
import org.modelkit.api.data.StereoPair;
import org.modelkit.api.perturb.AttackResult;
import org.modelkit.api.perturb.AttackSpec;
import org.modelkit.api.perturb.Perturber;
import org.modelkit.api.progress.Progress;

/**
 * The contract of a {@link Perturber} (clauses in {@link MethodContract}). Input: {@link #pair()}, {@link #groundTruth()}
 * and {@link #model()}, given by the subclass, attacked with {@link #spec()} (FGSM at ε = 0.02 unless overridden).
 * Bad input: a null pair (message names "pair"), a null model ("model"), ground truth of another size than the pair
 * ("ground truth"). Degenerate: every δ is zero, some |δ| exceeds ε, a perturbed pixel leaves [0, 1], or the attack
 * leaves the network's disparity error no larger than on the clean pair (an attack that does not attack).
 */
public abstract class PerturberContract extends MethodContract<Perturber> {
    @Override
    protected final Class<Perturber> type() {
        return Perturber.class;
    }

    /** @return a stereo pair the model takes */
    protected abstract StereoPair pair();

    /** @return the pair's ground-truth disparity (null: the model's own clean output is the target) */
    protected abstract Disparity groundTruth();

    /** @return a model the method takes */
    protected abstract Path model();

    /** @return the attack: FGSM at ε = 0.02 unless the subclass says otherwise */
    protected AttackSpec spec() {
        return AttackSpec.of("fgsm", 0.02);
    }

    @Override
    protected Object run(Perturber method, Progress progress) {
        return method.perturb(pair(), groundTruth(), model(), spec(), progress);
    }

    @Override
    protected List<Object> fingerprint(Object result) {
        AttackResult r = (AttackResult) result;
        return List.of(r.deltaLeft().toArray(), r.deltaRight().toArray(), r.attacked().toArray());
    }

    @Override
    protected String degenerate(Object result) {
        AttackResult r = (AttackResult) result;
        double eps = spec().epsilon();
        if (r.linfNorm() == 0) {
            return "every perturbation value is zero";
        }
        if (r.linfNorm() > eps * (1 + 1e-5) + 1e-7) {
            return "|δ| reaches " + r.linfNorm() + " > ε = " + eps;
        }
        for (float[] img : new float[][] {r.perturbed().left().toArray(), r.perturbed().right().toArray()}) {
            for (float v : img) {
                if (!(v >= 0 && v <= 1)) {
                    return "a perturbed pixel is " + v + ", outside [0, 1]";
                }
            }
        }
        Disparity truth = groundTruth() != null ? groundTruth() : r.clean();
        double clean = r.clean().endPointError(truth);
        double attacked = r.attacked().endPointError(truth);
        if (!(attacked > clean)) {
            return "the attack left the end-point error at " + attacked + " px (clean " + clean + " px)";
        }
        return null;
    }

    @Override
    protected List<BadInput> badInputs(Perturber method) {
        StereoPair p = pair();
        Disparity small = Disparity.fromRaw(2, 2, new float[4]);
        return List.of(
                new BadInput("a null pair", "pair", () -> method.perturb(null, groundTruth(), model(), spec(), Progress.NONE)),
                new BadInput("a null model", "model", () -> method.perturb(p, groundTruth(), null, spec(), Progress.NONE)),
                new BadInput("ground truth of 2x2 for a " + p.width() + "x" + p.height() + " pair", "ground truth",
                        () -> method.perturb(p, small, model(), spec(), Progress.NONE)));
    }
}
