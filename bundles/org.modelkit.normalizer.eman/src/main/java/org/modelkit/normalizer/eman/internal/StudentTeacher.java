package org.modelkit.normalizer.eman.internal;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.api.normalizer.Normalizer;
import org.modelkit.nn.GradientGuard;
import org.modelkit.nn.HalfSquaredLoss;

/**
 * A student trained by a DJL {@link Trainer} and a teacher that follows it through a
 * {@link Normalizer}, both on one device. The teacher is a second instance of the same network, never
 * trained, updated only by the normalizer after each optimiser step.
 */
final class StudentTeacher implements AutoCloseable {
    private final Model model;
    private final Trainer trainer;
    private final Optimizer optimizer;
    private final Block student;
    private final Block teacher;
    private final Normalizer normalizer;
    private final ParameterStore teacherStore;
    private final GradientGuard guard = new GradientGuard();

    /**
     * @param network    builds a fresh, uninitialised network; called twice
     * @param inputShape a batch shape to initialise with, for example [1, 1, 28, 28]
     * @param normalizer how the teacher follows
     * @param optimizer  the student's optimiser
     * @param backend    where everything lives: the model, its manager and device come from it
     * @param seed       seeds the initialisation
     */
    StudentTeacher(Supplier<Block> network, Shape inputShape, Normalizer normalizer, Optimizer optimizer,
            TensorBackend backend, long seed) {
        this.normalizer = normalizer;
        this.model = backend.newModel("student");
        model.getNDManager().getEngine().setRandomSeed((int) seed);
        this.student = network.get();
        model.setBlock(student);
        // the loss is computed by the caller; the trainer only holds the optimiser and parameter store
        this.optimizer = optimizer;
        this.trainer = model.newTrainer(new DefaultTrainingConfig(new HalfSquaredLoss()).optOptimizer(optimizer));
        trainer.initialize(inputShape);
        this.teacher = network.get();
        teacher.initialize(model.getNDManager(), DataType.FLOAT32, inputShape);
        normalizer.initialize(student, teacher);
        this.teacherStore = new ParameterStore(model.getNDManager(), false);
    }

    NDManager manager() {
        return model.getNDManager();
    }

    Block student() {
        return student;
    }

    Block teacher() {
        return teacher;
    }

    Normalizer normalizer() {
        return normalizer;
    }

    /**
     * One optimiser step of the student on the loss the function computes (inside a gradient collector), its
     * gradient checked by a {@link GradientGuard} (the function runs a second time if the first gradient looks
     * faulty; a student with batch norm then counts that batch twice in its running statistics).
     *
     * @return the loss, or NaN if the step was skipped
     */
    float step(Function<Trainer, NDArray> loss) {
        return guard.step(trainer, optimizer, () -> loss.apply(trainer));
    }

    /** Moves the teacher towards the student. */
    void follow(double momentum) {
        normalizer.update(student, teacher, momentum);
    }

    /** The teacher's outputs, normalised as the normalizer prescribes, with no gradient. */
    NDList teacher(NDList inputs) {
        return normalizer.teacherForward(teacher, teacherStore, inputs);
    }

    /** The teacher's outputs through one of its sub-blocks (for example a trunk), normalised as prescribed. */
    NDList teacher(Block teacherPart, NDList inputs) {
        return normalizer.teacherForward(teacherPart, teacherStore, inputs);
    }

    /** The outputs of one of the student's sub-blocks in inference mode, with no gradient. */
    NDList studentInference(Block studentPart, NDList inputs) {
        return studentPart.forward(teacherStore, inputs, false);
    }

    /** The student's outputs in inference mode (stored statistics), with no gradient. */
    NDList studentInference(NDList inputs) {
        return student.forward(teacherStore, inputs, false);
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
