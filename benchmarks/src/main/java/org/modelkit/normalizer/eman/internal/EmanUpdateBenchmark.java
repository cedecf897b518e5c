package org.modelkit.normalizer.eman.internal;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.concurrent.TimeUnit;
import org.modelkit.nn.Networks;
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
 * The per-step cost of the teacher update against a plain training step: one SGD step of the small
 * BN-CNN (batch 64 or 128 of 28x28 images, 2 threads), the same step followed by the EMAN update, and
 * the two updates ("eman": every state entry; "bn": learnable parameters) alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = "-Dai.djl.offline=true")
public class EmanUpdateBenchmark {
    @Param({"64", "128"})
    int batch;

    Model model;
    Trainer trainer;
    Block teacher;
    NDManager manager;
    NDList x;
    NDList y;
    final EmaNormalizer eman = new EmanNormalizer();
    final EmaNormalizer bn = new BnNormalizer();

    @Setup
    public void setUp() {
        Engine.getInstance().setRandomSeed(1);
        model = Model.newInstance("cnn");
        model.setBlock(Networks.smallCnn(10, Networks.Nonlinearity.RELU, true));
        trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).optMomentum(0.9f).build()));
        Shape input = new Shape(batch, 1, 28, 28);
        trainer.initialize(input);
        teacher = Networks.smallCnn(10, Networks.Nonlinearity.RELU, true);
        teacher.initialize(model.getNDManager(), DataType.FLOAT32, input);
        eman.initialize(model.getBlock(), teacher);
        manager = model.getNDManager().newSubManager();
        x = new NDList(manager.randomUniform(0, 1, input));
        y = new NDList(manager.randomInteger(0, 10, new Shape(batch), DataType.INT32).toType(DataType.FLOAT32, false));
    }

    @TearDown
    public void tearDown() {
        manager.close();
        trainer.close();
        model.close();
    }

    private float step() {
        float l;
        try (NDManager call = manager.newSubManager()) {
            x.tempAttach(call);
            y.tempAttach(call);
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray loss = trainer.getLoss().evaluate(y, trainer.forward(x));
                gc.backward(loss);
                l = loss.getFloat();
            }
            trainer.step();
        }
        return l;
    }

    @Benchmark
    public float sgdStep() {
        return step();
    }

    @Benchmark
    public float sgdStepThenEmanUpdate() {
        float l = step();
        eman.update(model.getBlock(), teacher, 0.999);
        return l;
    }

    @Benchmark
    public void emanUpdate() {
        eman.update(model.getBlock(), teacher, 0.999);
    }

    @Benchmark
    public void bnUpdate() {
        bn.update(model.getBlock(), teacher, 0.999);
    }
}
