package org.modelkit.nn;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One SGD step (forward, cross-entropy, backward, update) of the small CNN of
 * shared/notes/performance.md on DJL/PyTorch, batch 128 and 32 of 28x28 images, 2 intra-op threads; SGD with
 * momentum 0.9 and weight decay 5e-4 as {@link Training} builds it; run with the allocator setting of ./modelkit
 * (benchmarks/compute/run sets it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2"})
public class TrainingStepBenchmark {
    @Param({"128", "32"})
    public int batch;

    Model model;
    Trainer trainer;
    NDManager manager;
    NDList x;
    NDList y;

    @Setup
    public void setUp() {
        Engine.getInstance().setRandomSeed(1);
        model = Model.newInstance("cnn");
        model.setBlock(Networks.smallCnn(10, Networks.Nonlinearity.LEAKY_RELU, false));
        trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).optMomentum(0.9f)
                        .optWeightDecays(5e-4f).build()));
        trainer.initialize(new Shape(batch, 1, 28, 28));
        manager = model.getNDManager().newSubManager();
        x = new NDList(manager.randomUniform(0, 1, new Shape(batch, 1, 28, 28)));
        y = new NDList(manager.randomInteger(0, 10, new Shape(batch), ai.djl.ndarray.types.DataType.INT64));
    }

    @TearDown
    public void tearDown() {
        manager.close();
        trainer.close();
        model.close();
    }

    // Every call attaches the inputs to a sub-manager for its duration, so the intermediate arrays of
    // the call are freed when it ends (as Training does per batch); without it they pile up on the
    // inputs' manager and every call faults in fresh memory (measured 27 ms instead of a few).

    /** Inference forward pass only, for comparison with the notes' forward timing. */
    @Benchmark
    public float forward() {
        try (NDManager call = manager.newSubManager()) {
            x.tempAttach(call);
            return model.getBlock().forward(new ai.djl.training.ParameterStore(call, false), x, false)
                    .singletonOrThrow().getFloat(0, 0);
        }
    }

    /** Forward and backward without the optimiser update. */
    @Benchmark
    public float forwardBackward() {
        try (NDManager call = manager.newSubManager()) {
            x.tempAttach(call);
            y.tempAttach(call);
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList out = trainer.forward(x);
                NDArray loss = trainer.getLoss().evaluate(y, out);
                gc.backward(loss);
                return loss.getFloat();
            }
        }
    }

    @Benchmark
    public float sgdStep() {
        float l;
        try (NDManager call = manager.newSubManager()) {
            x.tempAttach(call);
            y.tempAttach(call);
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList out = trainer.forward(x);
                NDArray loss = trainer.getLoss().evaluate(y, out);
                gc.backward(loss);
                l = loss.getFloat();
            }
            trainer.step();
        }
        return l;
    }
}
