package org.modelkit.distiller.focal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modelkit.api.congruent.FlipMetrics;
import org.modelkit.api.congruent.Loss;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;

/**
 * The loss against golden values from PyTorch's own KLDivLoss and MSELoss (scripts/make-congruent-golden.py,
 * Debian python3-torch, float64), its limits by hand, its gradient against finite differences, and the
 * flip metrics against the notes' CIFAR-10 row.
 */
class FocalLossTest {
    static TensorBackend backend;
    static NDManager manager;
    static Map<String, Object> golden;

    static Path testdata(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p.resolve("testdata").resolve(relative);
    }

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        backend = LocalBackends.pytorchCpu("test");
        manager = backend.newManager();
        golden = new com.google.gson.Gson().fromJson(Files.readString(testdata("congruent/golden.json")), Map.class);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @SuppressWarnings("unchecked")
    static NDArray matrix(Object rows) {
        List<List<Double>> r = (List<List<Double>>) rows;
        double[] v = new double[r.size() * r.get(0).size()];
        for (int i = 0; i < r.size(); i++) {
            for (int j = 0; j < r.get(0).size(); j++) {
                v[i * r.get(0).size() + j] = r.get(i).get(j);
            }
        }
        return manager.create(v, new Shape(r.size(), r.get(0).size()));
    }

    @SuppressWarnings("unchecked")
    static NDArray labels(Object list) {
        return manager.create(((List<Double>) list).stream().mapToLong(Double::longValue).toArray());
    }

    @Test
    @SuppressWarnings("unchecked")
    void lossesMatchPyTorchsOwn() {
        NDArray zNew = matrix(golden.get("z_new"));
        NDArray zOld = matrix(golden.get("z_old"));
        NDArray y = labels(golden.get("labels"));
        for (Map<String, Object> c : (List<Map<String, Object>>) golden.get("cases")) {
            FocalLoss.Settings s = new FocalLoss.Settings(Loss.of((String) c.get("loss")), (Double) c.get("alpha"),
                    (Double) c.get("beta"), (Double) c.get("t"));
            double mine = FocalLoss.of(zNew, zOld, y, s).getDouble();
            double torch = (Double) c.get("value");
            System.out.printf(Locale.ROOT, "%-6s α %s β %s T %s: %.10f, PyTorch %.10f%n", s.loss().label(), s.alpha(), s.beta(),
                    s.t(), mine, torch);
            assertEquals(torch, mine, 1e-5 * Math.abs(torch), s.toString());
        }
        Map<String, Object> m = (Map<String, Object>) golden.get("fewer_old_classes");
        NDArray zOld8 = zOld.get(":, 0:8");
        double mine = FocalLoss.of(zNew, zOld8, labels(m.get("labels")), new FocalLoss.Settings(Loss.FD_KL, 1, 5, 2)).getDouble();
        assertEquals((Double) m.get("value"), mine, 1e-5 * (Double) m.get("value"), "8 old classes, a label of 9");
    }

    @Test
    void limitsByHand() {
        NDArray z = manager.create(new double[] {2, -1, 0.5, 0, 1, 3}, new Shape(2, 3));
        NDArray y = manager.create(new long[] {0, 2});
        // identical logits: D = 0 for every sample, so every distillation loss is plain cross-entropy
        double ce = FocalLoss.of(z, z, y, new FocalLoss.Settings(Loss.CE, 1, 5, 100)).getDouble();
        for (Loss l : new Loss[] {Loss.KD, Loss.FD_KL, Loss.FD_LM}) {
            assertEquals(ce, FocalLoss.of(z, z, y, new FocalLoss.Settings(l, 1, 5, 100)).getDouble(), 1e-12, l.label());
        }
        // β = 0: CE + T²·KL(p_old ‖ p_new), mean over the batch, by hand
        NDArray old = manager.create(new double[] {1, 0, 0, 0.5, 0.5, 2}, new Shape(2, 3));
        double t = 2;
        double kl = 0;
        double[] zn = z.toDoubleArray();
        double[] zo = old.toDoubleArray();
        for (int i = 0; i < 2; i++) {
            double[] po = softmax(zo, i, t);
            double[] pn = softmax(zn, i, t);
            for (int c = 0; c < 3; c++) {
                kl += po[c] * Math.log(po[c] / pn[c]);
            }
        }
        double expected = ce + t * t * kl / 2;
        assertEquals(expected, FocalLoss.of(z, old, y, new FocalLoss.Settings(Loss.FD_KL, 1, 0, t)).getDouble(), 1e-12);
        assertEquals(expected, FocalLoss.of(z, old, y, new FocalLoss.Settings(Loss.KD, 1, 5, t)).getDouble(), 1e-12,
                "KD ignores β");
    }

    static double[] softmax(double[] z, int row, double t) {
        double s = 0;
        double[] p = new double[3];
        for (int c = 0; c < 3; c++) {
            p[c] = Math.exp(z[row * 3 + c] / t);
            s += p[c];
        }
        for (int c = 0; c < 3; c++) {
            p[c] /= s;
        }
        return p;
    }

    @Test
    void theGradientIsTheFiniteDifference() {
        for (Loss l : new Loss[] {Loss.FD_KL, Loss.FD_LM, Loss.NAIVE}) {
            FocalLoss.Settings s = new FocalLoss.Settings(l, 1, 5, 3);
            try (NDManager m = manager.newSubManager()) {
                NDArray zOld = matrix(golden.get("z_old"));
                NDArray y = labels(golden.get("labels"));
                double[] z0 = matrix(golden.get("z_new")).toDoubleArray();
                NDArray z = m.create(z0, new Shape(4, 10));
                z.setRequiresGradient(true);
                double[] grad;
                try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                    NDArray loss = FocalLoss.of(z, zOld, y, s);
                    gc.backward(loss);
                }
                grad = z.getGradient().toDoubleArray();
                double worst = 0;
                double h = 1e-6;
                for (int k = 0; k < z0.length; k++) {
                    double[] up = z0.clone();
                    double[] down = z0.clone();
                    up[k] += h;
                    down[k] -= h;
                    double fd = (FocalLoss.of(m.create(up, new Shape(4, 10)), zOld, y, s).getDouble()
                            - FocalLoss.of(m.create(down, new Shape(4, 10)), zOld, y, s).getDouble()) / (2 * h);
                    worst = Math.max(worst, Math.abs(fd - grad[k]));
                }
                System.out.printf(Locale.ROOT, "%s: dL/dz against central differences, largest gap %.2e%n", l.label(), worst);
                assertTrue(worst < 1e-6, l.label() + " " + worst);
            }
        }
    }

    @Test
    void flipMetricsGiveTheNotesCifarRow() {
        // CIFAR-10, ResNet-18 -> ResNet-18: ER 4.90 % -> 4.85 %, NFR 1.83 %: relative NFR 39.7 %
        FlipMetrics f = new FlipMetrics(10000, 1 - 0.049, 1 - 0.0485, 0.0183, 0.0188);
        assertEquals(0.3968, f.relativeNegativeFlipRate(), 5e-4);
        assertEquals(0.0183 / 0.0485, f.negativeFlipImpact(), 1e-12);
        // from predictions: 3 of 6 right before; sample 0 flips to wrong, sample 3 to right
        FlipMetrics g = FlipMetrics.of(new int[] {0, 1, 2, 0, 1, 2}, new int[] {0, 1, 2, 1, 2, 0}, new int[] {1, 1, 2, 0, 2, 0});
        assertEquals(1.0 / 6, g.negativeFlipRate(), 1e-12);
        assertEquals(1.0 / 6, g.positiveFlipRate(), 1e-12);
        assertEquals((1.0 / 6) / (0.5 * 0.5), g.relativeNegativeFlipRate(), 1e-12);
        assertEquals((1.0 / 6) / 0.5, g.negativeFlipImpact(), 1e-12);
        assertTrue(Double.isNaN(FlipMetrics.of(new int[] {0}, new int[] {0}, new int[] {0}).negativeFlipImpact()));
    }
}
