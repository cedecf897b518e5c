package org.modelkit.normalizer.eman.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.teach.Paradigm;
import org.modelkit.api.teach.TeachRequest;
import org.modelkit.api.teach.TeachResult;
import org.modelkit.io.Idx;
import org.modelkit.io.LinePlot;

/**
 * FixMatch with the "eman" and the "bn" teacher on Fashion-MNIST (data/fashion-mnist from
 * scripts/fetch-data): a pool of the first POOL training images, of which 1% and 10% keep their labels
 * (stratified, per seed), the rest unlabelled; the 10,000 test images; SEEDS seeds; EPOCHS epochs; the
 * default settings of the job. Writes benchmarks/eman/results/{fixmatch.csv, table.md, fixmatch.png}.
 * Usage: FixMatchComparison [POOL [EPOCHS [SEEDS]]] (defaults 10000 20 3).
 */
public final class FixMatchComparison {
    private FixMatchComparison() {
    }

    public static void main(String[] args) throws IOException {
        int pool = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path data = Path.of("data/fashion-mnist");
        LabelledSet all = Idx.readLabelled(data.resolve("train-images-idx3-ubyte.gz"),
                data.resolve("train-labels-idx1-ubyte.gz"), null);
        LabelledSet test = Idx.readLabelled(data.resolve("t10k-images-idx3-ubyte.gz"),
                data.resolve("t10k-labels-idx1-ubyte.gz"), null);
        int[] first = new int[pool];
        for (int i = 0; i < pool; i++) {
            first[i] = i;
        }
        LabelledSet train = all.select(first);
        Path out = Path.of("benchmarks/eman/results");
        Files.createDirectories(out);
        StringBuilder csv = new StringBuilder("fraction,normalizer,seed,epoch,teacher_accuracy,student_accuracy,mask_rate,seconds\n");
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "FixMatch on Fashion-MNIST: %d-image pool, %d epochs, %d seeds, test set of %d;"
                + " mean ± standard deviation over seeds%n%n", pool, epochs, seeds, test.size()));
        table.append("| labels | teacher | final teacher accuracy | final student accuracy | best teacher accuracy | s per run |\n");
        table.append("|---|---|---|---|---|---|\n");
        List<LinePlot.Series> lines = new ArrayList<>();
        int colour = 0;
        for (double fraction : new double[] {0.01, 0.10}) {
            for (String name : new String[] {"eman", "bn"}) {
                double[][] teacher = new double[seeds][];
                double[] finalT = new double[seeds];
                double[] finalS = new double[seeds];
                double[] bestT = new double[seeds];
                double secs = 0;
                int labels = 0;
                for (int seed = 0; seed < seeds; seed++) {
                    int[][] split = org.modelkit.api.data.Sampling.stratified(train, fraction, 100 + seed);
                    labels = split[0].length;
                    TeachRequest r = new TeachRequest(Paradigm.FIXMATCH, name, train.select(split[0]),
                            train.select(split[1]).features(), test, epochs, 100 + seed, null);
                    long t0 = System.nanoTime();
                    EmaNormalizer n = name.equals("eman") ? new EmanNormalizer() : new BnNormalizer();
                    TeachResult res = new Teaching(r, n, Settings.DEFAULTS, org.modelkit.compute.pytorch.LocalBackends.pytorchCpu("pytorch-cpu"))
                            .run(Progress.NONE);
                    double s = (System.nanoTime() - t0) / 1e9;
                    secs += s;
                    teacher[seed] = res.teacherAccuracy();
                    finalT[seed] = res.finalTeacherAccuracy();
                    finalS[seed] = res.finalStudentAccuracy();
                    bestT[seed] = max(res.teacherAccuracy());
                    for (int e = 0; e < epochs; e++) {
                        csv.append(String.format(Locale.ROOT, "%.2f,%s,%d,%d,%.4f,%.4f,%.4f,%.1f%n", fraction, name, seed,
                                e + 1, res.teacherAccuracy()[e], res.studentAccuracy()[e], res.maskRate()[e], s));
                    }
                    System.out.printf(Locale.ROOT, "%.0f%% labels (%d), %s, seed %d: teacher %.4f student %.4f (%.0f s)%n",
                            fraction * 100, labels, name, seed, finalT[seed], finalS[seed], s);
                }
                table.append(String.format(Locale.ROOT, "| %.0f%% (%d) | %s | %s | %s | %s | %.0f |%n", fraction * 100, labels,
                        name, org.modelkit.nn.Stats.meanSd(finalT), org.modelkit.nn.Stats.meanSd(finalS), org.modelkit.nn.Stats.meanSd(bestT), secs / seeds));
                double[] mean = new double[epochs];
                for (int e = 0; e < epochs; e++) {
                    for (int seed = 0; seed < seeds; seed++) {
                        mean[e] += teacher[seed][e] / seeds;
                    }
                }
                lines.add(LinePlot.Series.of(String.format(Locale.ROOT, "%s, %.0f%% labels", name, fraction * 100), mean,
                        colour / 2 * 2 + (name.equals("eman") ? 0 : 1), fraction < 0.05));
                colour++;
            }
        }
        Files.writeString(out.resolve("fixmatch.csv"), csv);
        Files.writeString(out.resolve("table.md"), table);
        LinePlot.write(out.resolve("fixmatch.png"), "FixMatch on Fashion-MNIST: teacher test accuracy (mean of " + seeds
                + " seeds)", "epoch", "test accuracy", false, lines);
        System.out.print(table);
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}
