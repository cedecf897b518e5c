package org.modelkit.segmenter.motion.internal;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import java.util.Random;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.nn.GradientGuard;

/**
 * DyStaB's static model at the notes' scale (§5.5, test 3): a small fully convolutional network from a grey image
 * to a mask logit per pixel (3×3 convolutions 1→16→16→1 with ReLU, padding 1), trained with binary cross-entropy
 * on the masks the dynamic step found on moving frames, then applied to single images, where motion says nothing.
 */
final class StaticNet implements AutoCloseable {
    private final Model model;
    private final int size;

    /**
     * @param model a model from the backend, closed with this net
     * @param size  the side of the square images
     */
    private StaticNet(Model model, int size) {
        this.model = model;
        this.size = size;
    }

    static SequentialBlock block() {
        SequentialBlock b = new SequentialBlock();
        b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(16).build());
        b.add(Activation.reluBlock());
        b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(16).build());
        b.add(Activation.reluBlock());
        b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(1).build());
        return b;
    }

    /**
     * Trains a net on images and their (pseudo-)masks.
     *
     * @param images  grey images of size×size, values in [0, 1]
     * @param masks   a mask per image
     * @param epochs  passes over the images
     * @param seed    the initialisation and the batch order
     * @param backend where the net lives and trains
     * @return the trained net (close it)
     */
    static StaticNet train(List<float[]> images, List<boolean[]> masks, int size, int epochs, long seed,
            TensorBackend backend, Progress progress) {
        Model model = backend.newModel("static");
        boolean done = false;
        try {
            model.getNDManager().getEngine().setRandomSeed((int) seed);
            model.setBlock(block());
            int n = images.size();
            int batch = Math.min(16, n);
            int per = size * size;
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-2f)).build()))) {
                trainer.initialize(new Shape(batch, 1, size, size));
                GradientGuard guard = new GradientGuard();
                Random order = new Random(seed);
                int[] idx = Sampling.range(n);
                for (int e = 0; e < epochs; e++) {
                    Sampling.shuffle(idx, order);
                    for (int s = 0; s < n; s += batch) {
                        progress.checkCancelled();
                        int b = Math.min(batch, n - s);
                        float[] x = new float[b * per];
                        float[] y = new float[b * per];
                        for (int i = 0; i < b; i++) {
                            System.arraycopy(images.get(idx[s + i]), 0, x, i * per, per);
                            boolean[] m = masks.get(idx[s + i]);
                            for (int k = 0; k < per; k++) {
                                y[i * per + k] = m[k] ? 1 : 0;
                            }
                        }
                        try (NDManager m = model.getNDManager().newSubManager()) {
                            NDArray xs = m.create(x, new Shape(b, 1, size, size));
                            NDArray ys = m.create(y, new Shape(b, 1, size, size));
                            guard.step(trainer, () -> trainer.getLoss().evaluate(new NDList(ys),
                                    trainer.forward(new NDList(xs))));
                        }
                    }
                    progress.report("epochs", e + 1, epochs);
                }
            }
            done = true;
            return new StaticNet(model, size);
        } finally {
            if (!done) {
                model.close();
            }
        }
    }

    /** @return the mask of each image: the logit above 0 (probability above a half) */
    boolean[][] segment(List<float[]> images) {
        int per = size * size;
        boolean[][] out = new boolean[images.size()][];
        try (NDManager m = model.getNDManager().newSubManager()) {
            float[] x = new float[images.size() * per];
            for (int i = 0; i < images.size(); i++) {
                System.arraycopy(images.get(i), 0, x, i * per, per);
            }
            NDArray logits = model.getBlock().forward(new ai.djl.training.ParameterStore(m, false),
                    new NDList(m.create(x, new Shape(images.size(), 1, size, size))), false).singletonOrThrow();
            float[] z = logits.toFloatArray();
            for (int i = 0; i < images.size(); i++) {
                out[i] = new boolean[per];
                for (int k = 0; k < per; k++) {
                    out[i][k] = z[i * per + k] > 0;
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
