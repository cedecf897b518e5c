package org.modelkit.information.unique.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.information.InformationSettings;
import org.modelkit.api.information.SampleInformation;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.linearizer.LinearizedBatch;
import org.modelkit.compute.api.linearizer.LinearizedModel;
import org.modelkit.compute.api.linearizer.Linearizer;
import org.modelkit.compute.api.linearizer.Projection;
import org.modelkit.nn.Datasets;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.Networks;
import org.modelkit.nn.Scalars;

/**
 * The estimator's steps on a model folder holding w0: its linearization through the {@link Linearizer}
 * (every parameter, float64), the Jacobian rows of the training and validation samples (optionally
 * projected), Θ = JJᵀ and Θ_val = J_val Jᵀ, the {@link LeaveOneOut} solution, and from it per sample
 *
 * <ul>
 *   <li>F-SI_i = (1/2σ²)·mean_j ‖f_val(x_j) − f_val^{−i}(x_j)‖², with f_val = f0_val + Θ_val α, and</li>
 *   <li>SI_i = ‖w_t − w_t^{−i}‖²/(2σ_w²), w_t − w_t^{−i} = Jᵀ(α − α_{−i}): βᵀΘβ when Θ is exact, a pass of
 *       vector-Jacobian products over the training samples when it is projected (the weights are never
 *       projected; no d × d matrix is formed).</li>
 * </ul>
 */
final class Informativeness {
    private Informativeness() {
    }

    /** Samples per Jacobian batch (one progress report each). */
    static final int JACOBIAN_BATCH = 64;

    /**
     * @param information the estimates
     * @param samples     n
     * @param outputs     k
     * @param parameters  d, every parameter of the network
     * @param columns     the Jacobian's columns after projection (d when not projected)
     * @param solution    α, α_{−i} and Θ_λ's extreme eigenvalues
     * @param validation  f_val with every sample, m × k
     * @param seconds     the estimate's time, Jacobians included
     */
    record Result(SampleInformation information, int samples, int outputs, long parameters, long columns,
            LeaveOneOut.Solution solution, double[] validation, double seconds) {
        /** @return lr·λ_max(Θ_λ)/n, below 2 for a converging descent */
        double rate(InformationSettings s) {
            return s.learningRate() * solution.maxEigen() / samples;
        }
    }

    /**
     * Checks a training set and validation inputs against the model, before anything is computed.
     *
     * @throws IllegalArgumentException naming the input and the problem
     */
    static void check(ModelFiles.Loaded model, LabelledSet train, Tensor validation, int maxRows) {
        int k = model.spec().classes();
        int n = train.size();
        if (n < 2) {
            throw new IllegalArgumentException("the training data has " + n + " sample" + (n == 1 ? "" : "s")
                    + "; leaving one out needs at least 2");
        }
        for (int i = 0; i < n; i++) {
            int y = train.label(i);
            if (k == 1 ? y != 0 && y != 1 : y < 0 || y >= k) {
                throw new IllegalArgumentException("label " + y + " of training sample " + i + " does not fit the model's " + k
                        + " output" + (k == 1 ? " (a binary model's labels are 0 and 1: pick two classes with --classes A,B)"
                        : "s"));
            }
        }
        int[] shape = sampleShape(train.features());
        if (!model.spec().accepts(shape)) {
            throw new IllegalArgumentException("training samples of shape " + Arrays.toString(shape)
                    + " do not fit the model's input " + Arrays.toString(model.spec().input()));
        }
        if (!Arrays.equals(sampleShape(validation), shape)) {
            throw new IllegalArgumentException("validation samples of shape " + Arrays.toString(sampleShape(validation))
                    + " differ from the training samples' " + Arrays.toString(shape));
        }
        if (validation.dim(0) < 1) {
            throw new IllegalArgumentException("the validation data is empty");
        }
        finite(train.features(), "training");
        finite(validation, "validation");
        long rows = (long) n * k;
        if (rows > maxRows) {
            long cols = n + 1L;
            double mb = 8.0 * (2.0 * rows * rows + 3.0 * rows * cols) / (1 << 20);
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%,d samples x %d outputs = %,d rows exceed maxRows"
                    + " %,d: Θ and the leave-one-out solutions would take about %,.0f MB; use fewer samples or raise maxRows",
                    n, k, rows, maxRows, mb));
        }
    }

    private static int[] sampleShape(Tensor t) {
        return Arrays.copyOfRange(t.shape(), 1, t.rank());
    }

    private static void finite(Tensor t, String what) {
        int per = t.size() / Math.max(1, t.dim(0));
        java.nio.FloatBuffer b = t.asBuffer();
        for (int i = 0; i < t.size(); i++) {
            float v = b.get(i);
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("the " + what + " data holds " + v + " in sample " + i / per);
            }
        }
    }

    /** @return the model folder's network */
    static ModelFiles.Loaded load(Path model, NDManager manager) {
        try {
            return ModelFiles.load(model, manager);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the targets Y, n × k row-major: the label for one output, its one-hot vector for more
     */
    static double[] targets(LabelledSet train, int k) {
        double[] y = new double[train.size() * k];
        for (int i = 0; i < train.size(); i++) {
            if (k == 1) {
                y[i] = train.label(i);
            } else {
                y[i * k + train.label(i)] = 1;
            }
        }
        return y;
    }

    /**
     * Estimates every training sample's unique information.
     *
     * @param model      a model folder holding w0
     * @param train      the training samples (labels already those of the model's outputs)
     * @param validation the inputs F-SI is measured on
     * @param s          the training to predict
     * @param maxRows    the largest n·k accepted
     * @throws IllegalArgumentException naming the input and the problem
     */
    static Result estimate(Path model, LabelledSet train, Tensor validation, InformationSettings s, int maxRows,
            Linearizer linearizer, NDManager parent, Progress progress) {
        return estimate(model, train, validation, s, maxRows, linearizer, parent, progress, false);
    }

    /** As above; {@code weightPass} forces the pass of vector-Jacobian products for weight SI (for the tests). */
    static Result estimate(Path model, LabelledSet train, Tensor validation, InformationSettings s, int maxRows,
            Linearizer linearizer, NDManager parent, Progress progress, boolean weightPass) {
        long t0 = System.nanoTime();
        try (NDManager m = parent.newSubManager()) {
            ModelFiles.Loaded start = load(model, m);
            check(start, train, validation, maxRows);
            int n = train.size();
            int k = start.spec().classes();
            int size = n * k;
            int mv = validation.dim(0);
            LinearizedModel lin = linearizer.linearize(Networks.float64(start, m), name -> true, m);
            Projection projection = s.projectionPerTensor() > 0 ? new Projection(s.projectionPerTensor(), s.seed())
                    : Projection.NONE;
            NDArray x = Datasets.rows(m, train.features(), Sampling.range(n)).toType(DataType.FLOAT64, false);
            NDArray xv = Datasets.rows(m, validation, Sampling.range(mv)).toType(DataType.FLOAT64, false);
            int batches = (n + JACOBIAN_BATCH - 1) / JACOBIAN_BATCH + (mv + JACOBIAN_BATCH - 1) / JACOBIAN_BATCH;
            int[] done = {0};
            Rows tr = rows(lin, x, projection, m, progress, done, batches);
            Rows va = rows(lin, xv, projection, m, progress, done, batches);
            double[] theta = tr.jacobian().matMul(tr.jacobian().transpose()).toDoubleArray();
            double[] thetaVal = va.jacobian().matMul(tr.jacobian().transpose()).toDoubleArray();
            long columns = tr.jacobian().getShape().get(1);
            tr.jacobian().close();
            va.jacobian().close();
            double[] y = targets(train, k);
            double[] r0 = new double[size];
            for (int i = 0; i < size; i++) {
                r0[i] = tr.f0()[i] - y[i];
            }
            LeaveOneOut.Setting setting = new LeaveOneOut.Setting(n, k, s.learningRate(), s.steps(), s.weightDecay());
            double[] eig = LeaveOneOut.extremeEigenvalues(theta, size, setting.lambda());
            LeaveOneOut.check(setting, eig);
            LeaveOneOut.Solution sol = LeaveOneOut.solve(theta, r0, setting, eig, m, progress);

            // β_i = α − α_{−i}, N × n
            double[] beta = new double[size * n];
            for (int row = 0; row < size; row++) {
                for (int i = 0; i < n; i++) {
                    beta[row * n + i] = sol.alpha()[row] - sol.without()[row * n + i];
                }
            }
            double[] fsi;
            double[] fval = new double[mv * k];
            double[] wsi;
            try (NDManager w = m.newSubManager()) {
                NDArray tv = w.create(thetaVal, new Shape((long) mv * k, size));
                NDArray b = w.create(beta, new Shape(size, n));
                double scale = 1 / (2 * s.sigma() * s.sigma() * mv);
                fsi = Scalars.mul(tv.matMul(b).square().sum(new int[] {0}), scale).toDoubleArray();
                double[] moved = tv.matMul(w.create(sol.alpha(), new Shape(size, 1))).toDoubleArray();
                for (int j = 0; j < fval.length; j++) {
                    fval[j] = va.f0()[j] + moved[j];
                }
                double wscale = 1 / (2 * s.weightSigma() * s.weightSigma());
                if (!projection.projects() && !weightPass) {
                    NDArray th = w.create(theta, new Shape(size, size));
                    wsi = Scalars.mul(b.mul(th.matMul(b)).sum(new int[] {0}), wscale).toDoubleArray();
                } else {
                    wsi = weightPass(lin, x, beta, n, k, w, progress);
                    for (int i = 0; i < n; i++) {
                        wsi[i] *= wscale;
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                // βᵀΘβ of a tiny β can round below 0
                fsi[i] = Math.max(0, fsi[i]);
                wsi[i] = Math.max(0, wsi[i]);
            }
            return new Result(new SampleInformation(wsi, fsi), n, k, lin.parameterCount(), columns, sol, fval,
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    /** f0 and the Jacobian rows of a batch of samples. */
    private record Rows(double[] f0, NDArray jacobian) {
    }

    private static Rows rows(LinearizedModel lin, NDArray x, Projection projection, NDManager m, Progress progress, int[] done,
            int batches) {
        long n = x.getShape().get(0);
        NDList parts = new NDList();
        double[] f0 = new double[(int) n * lin.outputs()];
        for (long from = 0; from < n; from += JACOBIAN_BATCH) {
            progress.checkCancelled();
            long to = Math.min(n, from + JACOBIAN_BATCH);
            NDArray xb = x.get(from + ":" + to);
            try (LinearizedBatch b = lin.at(xb)) {
                double[] f = b.f0().toDoubleArray();
                System.arraycopy(f, 0, f0, (int) from * lin.outputs(), f.length);
                parts.add(b.jacobian(projection));
            }
            progress.report("jacobian", ++done[0], batches);
        }
        NDArray j = parts.size() == 1 ? parts.get(0) : ai.djl.ndarray.NDArrays.concat(parts, 0);
        j.attach(m);
        if (parts.size() > 1) {
            parts.close();
        }
        return new Rows(f0, j);
    }

    /** ‖Jᵀβ_i‖² for every i, by one vector-Jacobian product per sample over the training batch. */
    private static double[] weightPass(LinearizedModel lin, NDArray x, double[] beta, int n, int k, NDManager m,
            Progress progress) {
        double[] out = new double[n];
        int size = n * k;
        try (LinearizedBatch b = lin.at(x)) {
            for (int i = 0; i < n; i++) {
                progress.checkCancelled();
                double[] u = new double[size];
                for (int row = 0; row < size; row++) {
                    u[row] = beta[row * n + i];
                }
                try (NDManager s = m.newSubManager()) {
                    NDList g = b.vjp(s.create(u, new Shape(n, k)));
                    g.attach(s);
                    double sum = 0;
                    for (NDArray a : g) {
                        sum += a.square().sum().getDouble();
                    }
                    out[i] = sum;
                }
                progress.report("weight changes", i + 1, n);
            }
        }
        return out;
    }
}
