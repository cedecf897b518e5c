package org.modelkit.information.unique.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.information.InformationSettings;
import org.modelkit.api.progress.Progress;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.GradientGuard;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.Networks;
import org.modelkit.nn.Scalars;

/**
 * The ground truth the estimate predicts: the real network trained from w0 with every sample and again
 * without each one (n + 1 trainings, float64, full-batch gradient descent at the settings' rate for their
 * steps on ½·mean‖f − y‖² + ½λ′‖w − w0‖²), and from them ‖f_val − f_val^{−i}‖² and ‖w − w^{−i}‖² in the
 * estimate's units. For {@code --truth} and the tests; O(n·t) training steps.
 */
final class Retraining {
    private Retraining() {
    }

    /**
     * @param function  per sample: (1/2σ²)·mean_j ‖f_val(x_j) − f_val^{−i}(x_j)‖² of the trained networks
     * @param weights   per sample: ‖w − w^{−i}‖²/(2σ_w²)
     * @param validation f_val of the network trained on every sample, m × k
     * @param seconds   the n + 1 trainings' time
     */
    record Truth(double[] function, double[] weights, double[] validation, double seconds) {
    }

    /**
     * @throws IllegalArgumentException if the settings ask for infinitely many steps
     */
    static Truth leaveOneOut(ModelFiles.Loaded start, LabelledSet train, Tensor validation, InformationSettings s,
            NDManager parent, Progress progress) {
        if (s.converged()) {
            throw new IllegalArgumentException("retraining needs a finite number of steps, not ∞");
        }
        long t0 = System.nanoTime();
        int n = train.size();
        int k = start.spec().classes();
        int mv = validation.dim(0);
        try (NDManager m = parent.newSubManager()) {
            Block net = Networks.float64(start, m);
            List<Parameter> params = new ArrayList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                params.add(p.getValue());
            }
            List<NDArray> w0 = new ArrayList<>();
            for (Parameter p : params) {
                NDArray a = p.getArray().duplicate();
                a.attach(m);
                w0.add(a);
            }
            NDArray x = Datasets.rows(m, train.features(), Sampling.range(n)).toType(DataType.FLOAT64, false);
            NDArray xv = Datasets.rows(m, validation, Sampling.range(mv)).toType(DataType.FLOAT64, false);
            NDArray y = m.create(Informativeness.targets(train, k), new Shape(n, k));
            double[] fAll = null;
            double[] wAll = null;
            double[] function = new double[n];
            double[] weights = new double[n];
            for (int run = -1; run < n; run++) {
                int[] rows = new int[run < 0 ? n : n - 1];
                for (int i = 0, q = 0; i < n; i++) {
                    if (i != run) {
                        rows[q++] = i;
                    }
                }
                double[][] out = train(net, params, w0, x, y, rows, s, m, progress);
                double[] fv = forward(net, xv, m);
                if (run < 0) {
                    fAll = fv;
                    wAll = out[0];
                } else {
                    double df = 0;
                    for (int j = 0; j < fv.length; j++) {
                        df += (fv[j] - fAll[j]) * (fv[j] - fAll[j]);
                    }
                    double dw = 0;
                    for (int j = 0; j < wAll.length; j++) {
                        dw += (out[0][j] - wAll[j]) * (out[0][j] - wAll[j]);
                    }
                    function[run] = df / (2 * s.sigma() * s.sigma() * mv);
                    weights[run] = dw / (2 * s.weightSigma() * s.weightSigma());
                }
                progress.report("retraining", run + 2, n + 1);
            }
            return new Truth(function, weights, fAll, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** Resets the network to w0 and trains it on the rows; @return {the trained weights, flattened} */
    private static double[][] train(Block net, List<Parameter> params, List<NDArray> w0, NDArray x, NDArray y, int[] rows,
            InformationSettings s, NDManager m, Progress progress) {
        for (int i = 0; i < params.size(); i++) {
            params.get(i).getArray().intern(w0.get(i).duplicate());
        }
        long[] idx = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            idx[i] = rows[i];
        }
        try (NDManager keep = m.newSubManager()) {
            NDArray sel = keep.create(idx);
            NDArray xb = x.get(sel);
            NDArray yb = y.get(sel);
            xb.attach(keep);
            yb.attach(keep);
            // the decay pulls towards w0, not 0: g + lambda (w - w0) is the optimiser's decayed step on g - lambda w0
            List<NDArray> pull = new ArrayList<>();
            for (NDArray a : w0) {
                NDArray p = Scalars.mul(a, -s.weightDecay());
                p.attach(keep);
                pull.add(p);
            }
            Optimizer optimizer = Optimizer.sgd().setLearningRateTracker(Tracker.fixed((float) s.learningRate()))
                    .optWeightDecays((float) s.weightDecay()).build();
            for (Parameter p : params) {
                p.getArray().setRequiresGradient(true);
            }
            GradientGuard guard = new GradientGuard();
            for (int t = 0; t < s.steps(); t++) {
                if (t % 50 == 0) {
                    progress.checkCancelled();
                }
                try (NDManager st = keep.newSubManager()) {
                    NDArray xs = xb.duplicate();
                    xs.attach(st);
                    NDArray[] w = new NDArray[params.size()];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = params.get(i).getArray();
                    }
                    guard.step(Arrays.asList(w), () -> {
                        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                            NDArray f = net.forward(new ParameterStore(st, false), new NDList(xs), true).singletonOrThrow();
                            NDArray l = Scalars.div(f.sub(yb).square().sum(), 2.0 * rows.length);
                            gc.backward(l);
                            return GradientGuard.value(l);
                        }
                    }, () -> {
                        if (s.weightDecay() != 0) {
                            for (int i = 0; i < w.length; i++) {
                                try (NDArray g = w[i].getGradient()) {
                                    g.addi(pull.get(i));
                                }
                            }
                        }
                        GradientGuard.update(optimizer, params);
                    });
                }
            }
        }
        int total = 0;
        for (Parameter p : params) {
            total += (int) p.getArray().size();
        }
        double[] flat = new double[total];
        int at = 0;
        for (Parameter p : params) {
            double[] v = p.getArray().toDoubleArray();
            System.arraycopy(v, 0, flat, at, v.length);
            at += v.length;
        }
        return new double[][] {flat};
    }

    private static double[] forward(Block net, NDArray xv, NDManager m) {
        try (NDManager t = m.newSubManager()) {
            NDArray xs = xv.duplicate();
            xs.attach(t);
            return net.forward(new ParameterStore(t, false), new NDList(xs), false).singletonOrThrow().toDoubleArray();
        }
    }
}
