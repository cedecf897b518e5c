package org.modelkit.nn;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * libtorch's own profiler over bare training steps of the small CNN (as StepTiming's), for comparing operator
 * times with PyTorch's profiler on the same step (benchmarks/compute/profile_ops.py). Usage: java ... StepProfile
 * TRACE.json batch steps
 */
public final class StepProfile {
    public static void main(String[] args) {
        int batch = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        Engine.getInstance().setRandomSeed(1);
        try (Model model = Model.newInstance("cnn")) {
            model.setBlock(Networks.smallCnn(10, Networks.Nonlinearity.LEAKY_RELU, false));
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).optMomentum(0.9f)
                            .optWeightDecays(5e-4f).build()));
                    NDManager data = model.getNDManager().newSubManager()) {
                trainer.initialize(new Shape(batch, 1, 28, 28));
                NDList x = new NDList(data.randomUniform(0, 1, new Shape(batch, 1, 28, 28)));
                NDList y = new NDList(data.randomInteger(0, 10, new Shape(batch), DataType.INT64));
                for (int s = -50; s < steps; s++) {
                    if (s == 0) {
                        JniUtils.startProfile(false, Boolean.getBoolean("shapes"), false);
                    }
                    try (NDManager m = data.newSubManager()) {
                        x.tempAttach(m);
                        y.tempAttach(m);
                        NDArray loss;
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            loss = trainer.getLoss().evaluate(y, trainer.forward(x));
                            gc.backward(loss);
                        }
                        trainer.step();
                        loss.getFloat();
                    }
                }
                JniUtils.stopProfile(args[0]);
            }
        }
    }
}
