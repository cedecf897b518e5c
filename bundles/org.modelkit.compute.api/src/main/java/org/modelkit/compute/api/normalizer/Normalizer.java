package org.modelkit.compute.api.normalizer;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.osgi.annotation.versioning.ProviderType;

/**
 * How a teacher's weights and normalisation statistics follow a student's after every optimiser step,
 * and in which mode the teacher normalises. All work stays on the device, in NDArrays, with no copy
 * into Java arrays per step.
 *
 * <p>Conventions. "Every state entry" means each DJL {@code Parameter} of the block, which in DJL
 * includes a {@code BatchNorm}'s running mean and variance. DJL's batch-norm momentum follows MXNet's
 * convention ({@code running = momentum·running + (1-momentum)·batch}, default 0.9), so DJL 0.9
 * equals PyTorch's 0.1; the EMA momentum of this interface is the teacher's:
 * {@code v' <- m·v' + (1-m)·v}, m close to 1 (0.999).
 *
 * <p>Registered as a service with the property {@link #NAME_PROPERTY} = {@link #name()}.
 */
@ProviderType
public interface Normalizer {
    /** Service property naming the normalizer, for example "eman" or "bn". */
    String NAME_PROPERTY = "modelkit.normalizer";

    /** @return the name, for example "eman" or "bn" */
    String name();

    /**
     * Makes the teacher a copy of the student: every state entry, batch-norm statistics included. The
     * two blocks must have the same structure and be initialised on the same device.
     *
     * @param student the student
     * @param teacher the teacher; its parameters get no gradient from here on
     * @throws IllegalArgumentException if the blocks differ in parameter names or shapes (named)
     */
    void initialize(Block student, Block teacher);

    /**
     * Moves the teacher towards the student after an optimiser step. "eman": every state entry
     * {@code v' <- m·v' + (1-m)·v}, batch-norm running statistics included, and step counters copied;
     * "bn": learnable parameters only, the teacher keeping its own statistics.
     *
     * @param student  the student, after its step
     * @param teacher  the teacher
     * @param momentum m in [0, 1]; see {@link MomentumSchedule}
     * @throws IllegalArgumentException if m is outside [0, 1] or the blocks differ in structure
     */
    void update(Block student, Block teacher, double momentum);

    /**
     * Runs the teacher as this normaliser prescribes: "eman" in inference mode (training = false,
     * stored statistics); "bn" with batch statistics, leaving the teacher's stored statistics unchanged.
     * No gradient is recorded.
     *
     * @param teacher the teacher
     * @param store   the parameter store of the training loop (device placement)
     * @param inputs  the batch
     * @return the teacher's outputs
     */
    NDList teacherForward(Block teacher, ParameterStore store, NDList inputs);
}
