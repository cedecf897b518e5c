package org.modelkit.linearizer.lqf.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.finetune.FineTuneRequest;
import org.modelkit.api.finetune.FineTuneResult;
import org.modelkit.api.finetune.Solver;
import org.modelkit.api.progress.Progress;
import org.modelkit.io.Idx;
import org.modelkit.io.LinePlot;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Training;

/**
 * LQF against non-linear fine-tuning (cross-entropy, all layers) and a linear probe, on the same
 * pre-trained network (testdata/models/fashion-cnn-leaky) fine-tuned on MNIST (data/mnist from
 * scripts/fetch-data mnist): 5, 10 and 50 shots per class drawn from the 60,000 training images, 3
 * seeds, the 10,000 test images. LQF: K-FAC, 50 steps, all layers linearized, and the last 2 layers
 * only. Non-linear: SGD (lr 0.01, momentum 0.9, weight decay 1e-4), 200 full-batch steps from the same
 * new head. Linear probe: the head alone, ridge regression on the frozen features. Also the loss per
 * step of K-FAC and gradient descent (largest stable step) at 10 shots. Writes
 * benchmarks/lqf/results/{lqf.csv, table.md, loss.png}.
 */
public final class LqfComparison {
    private LqfComparison() {
    }

    public static void main(String[] args) throws Exception {
        Path pretrained = Path.of("testdata/models/fashion-cnn-leaky");
        Path data = Path.of("data/mnist");
        LabelledSet train = Idx.readLabelled(data.resolve("train-images-idx3-ubyte.gz"), data.resolve("train-labels-idx1-ubyte.gz"), null);
        LabelledSet test = Idx.readLabelled(data.resolve("t10k-images-idx3-ubyte.gz"), data.resolve("t10k-labels-idx1-ubyte.gz"), null);
        Path out = Path.of("benchmarks/lqf/results");
        Files.createDirectories(out);
        FineTuning ft = new FineTuning(LqfSettings.DEFAULTS, new LqfLinearizer(), org.modelkit.compute.pytorch.LocalBackends.pytorchCpu("pytorch-cpu"));
        int seeds = 3;
        StringBuilder csv = new StringBuilder("shots,seed,method,test_accuracy,seconds\n");
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "Fashion-MNIST CNN (Leaky-ReLU) fine-tuned on MNIST,"
                + " test set of %d; mean ± standard deviation over %d seeds%n%n", test.size(), seeds));
        String[] methods = {"LQF, K-FAC, all layers", "LQF, K-FAC, last 2 layers", "non-linear fine-tuning (CE)", "linear probe"};
        table.append("| shots per class |");
        for (String m : methods) {
            table.append(" ").append(m).append(" |");
        }
        table.append("\n|---|---|---|---|---|\n");
        for (int shots : new int[] {5, 10, 50}) {
            double[][] acc = new double[methods.length][seeds];
            for (int seed = 0; seed < seeds; seed++) {
                LabelledSet few = org.modelkit.api.data.Sampling.perClass(train, shots, 1000 + seed);
                long t0 = System.nanoTime();
                FineTuneResult all = ft.run(new FineTuneRequest(pretrained, few, test, Solver.KFAC, 50, 0, seed, null), Progress.NONE);
                double s0 = (System.nanoTime() - t0) / 1e9;
                t0 = System.nanoTime();
                FineTuneResult last2 = ft.run(new FineTuneRequest(pretrained, few, test, Solver.KFAC, 50, 2, seed, null), Progress.NONE);
                double s1 = (System.nanoTime() - t0) / 1e9;
                t0 = System.nanoTime();
                double ce = crossEntropyFineTuning(ft, pretrained, few, test, seed);
                double s2 = (System.nanoTime() - t0) / 1e9;
                acc[0][seed] = all.testAccuracy();
                acc[1][seed] = last2.testAccuracy();
                acc[2][seed] = ce;
                acc[3][seed] = all.probeTestAccuracy();
                double[] secs = {s0, s1, s2, 0};
                for (int k = 0; k < methods.length; k++) {
                    csv.append(String.format(Locale.ROOT, "%d,%d,%s,%.4f,%.1f%n", shots, seed, methods[k], acc[k][seed], secs[k]));
                }
                System.out.printf(Locale.ROOT, "%d shots, seed %d: LQF all %.4f, LQF last-2 %.4f, CE %.4f, probe %.4f%n", shots,
                        seed, acc[0][seed], acc[1][seed], acc[2][seed], acc[3][seed]);
            }
            table.append("| ").append(shots).append(" |");
            for (double[] a : acc) {
                table.append(" ").append(org.modelkit.nn.Stats.meanSd(a)).append(" |");
            }
            table.append("\n");
        }
        // the loss per step at 10 shots, seed 0
        LabelledSet few = org.modelkit.api.data.Sampling.perClass(train, 10, 1000);
        FineTuneResult k = ft.run(new FineTuneRequest(pretrained, few, null, Solver.KFAC, 100, 0, 0, null), Progress.NONE);
        FineTuneResult g = ft.run(new FineTuneRequest(pretrained, few, null, Solver.GD, 100, 0, 0, null), Progress.NONE);
        double[] x = new double[101];
        for (int i = 0; i <= 100; i++) {
            x[i] = i;
        }
        LinePlot.write(out.resolve("loss.png"), "LQF, Fashion-MNIST CNN on 10 MNIST digits per class: loss per step", "step",
                "loss", true, List.of(new LinePlot.Series("K-FAC", x, k.loss(), 0, false),
                        new LinePlot.Series("gradient descent", x, g.loss(), 1, false)));
        table.append(String.format(Locale.ROOT, "%nLoss per step at 10 shots (all layers): 10%% of the initial loss after %d"
                + " K-FAC steps and %s gradient-descent steps (1.9/λ_max); after 100 steps %.3g vs %.3g.%n",
                k.stepsToFraction(0.1), g.stepsToFraction(0.1) < 0 ? "more than 100" : Integer.toString(g.stepsToFraction(0.1)),
                k.loss()[100], g.loss()[100]));
        Files.writeString(out.resolve("lqf.csv"), csv);
        Files.writeString(out.resolve("table.md"), table);
        System.out.print(table);
    }

    /** Fine-tunes every layer with cross-entropy from the pre-trained weights and a new head; test accuracy. */
    static double crossEntropyFineTuning(FineTuning ft, Path pretrained, LabelledSet few, LabelledSet test, long seed)
            throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelFiles.Loaded pre = ModelFiles.load(pretrained, m);
            ModelSpec spec = new ModelSpec(pre.spec().architecture(), few.classCount(), pre.spec().nonlinearity(),
                    pre.spec().batchNorm(), pre.spec().hidden(), pre.spec().input());
            Engine.getInstance().setRandomSeed((int) seed);
            Block net = spec.build();
            net.initialize(m, DataType.FLOAT32, spec.batchShape(1));
            List<List<String>> layers = org.modelkit.nn.Layers.withParameters(net);
            Set<String> head = Set.copyOf(layers.get(layers.size() - 1));
            java.util.Map<String, Parameter> src = new java.util.HashMap<>();
            for (Pair<String, Parameter> p : pre.block().getParameters()) {
                src.put(p.getKey(), p.getValue());
            }
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (!head.contains(p.getKey())) {
                    p.getValue().getArray().intern(src.get(p.getKey()).getArray().duplicate());
                }
            }
            Heads.initHead(net, seed, LqfSettings.DEFAULTS.headScale());
            List<Parameter> params = new ArrayList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    p.getValue().getArray().setRequiresGradient(true);
                    params.add(p.getValue());
                }
            }
            Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).optMomentum(0.9f)
                    .optWeightDecays(1e-4f).build();
            NDArray x = Datasets.rows(m, few.features(), org.modelkit.api.data.Sampling.range(few.size()));
            NDArray y = m.create(FineTuning.longs(few.labels())).toType(DataType.FLOAT32, false);
            Loss ce = Loss.softmaxCrossEntropyLoss();
            for (int step = 0; step < 200; step++) {
                try (NDManager sub = m.newSubManager()) {
                    x.tempAttach(sub);
                    y.tempAttach(sub);
                    try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                        NDArray logits = net.forward(new ParameterStore(sub, false), new NDList(x), true).singletonOrThrow();
                        gc.backward(ce.evaluate(new NDList(y), new NDList(logits)));
                    }
                    for (Parameter p : params) {
                        NDArray w = p.getArray();
                        NDArray grad = w.getGradient();
                        sgd.update(p.getId(), w, grad);
                        grad.subi(grad);
                    }
                }
            }
            return test.accuracy(Training.predict(net, m, test.features(), 500));
        }
    }
}
