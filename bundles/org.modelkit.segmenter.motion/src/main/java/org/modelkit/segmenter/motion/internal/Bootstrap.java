package org.modelkit.segmenter.motion.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.modelkit.api.data.Flow;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.segment.BootstrapRequest;
import org.modelkit.api.segment.BootstrapResult;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.io.ResultFolders;

/**
 * DyStaB's bootstrap (methods notes §5.4, at the notes' scale): in each round the dynamic step (flow and CIS)
 * segments every frame; the frames whose motion is informative train the static network with BCE on their dynamic
 * masks; from the second round on, the static network's probabilities p regularise the dynamic step, whose loss per
 * frame gains λ · mean BCE(χ, p). The paper's exact coupling is unconfirmed; this is the example form.
 *
 * <p>A frame's motion is informative when at least {@value #MOVING_FRACTION} of its pixels move more than the
 * configured number of pixels against the frame's median flow, and its dynamic mask covers between
 * {@value #MIN_AREA} and {@value #MAX_AREA} of the frame (a mask of nothing or of everything teaches nothing).
 */
final class Bootstrap {
    static final double MOVING_FRACTION = 0.01;
    static final double MIN_AREA = 0.005;
    static final double MAX_AREA = 0.5;

    /**
     * The training settings besides the dynamic step's.
     *
     * @param lambda λ ≥ 0 of the static prior from round 2 on
     * @param motion the informative-motion threshold in pixels, &gt; 0
     */
    record Settings(double lambda, double motion) {
        Settings {
            if (!(lambda >= 0 && Double.isFinite(lambda))) {
                throw new IllegalArgumentException("lambda = " + lambda + " must be finite and >= 0");
            }
            if (!(motion > 0 && Double.isFinite(motion))) {
                throw new IllegalArgumentException("motion = " + motion + " must be finite and > 0");
            }
        }
    }

    /**
     * Everything one bootstrap computed (the tests read the masks of the last round).
     *
     * @param result  what the API returns
     * @param dynamic the last round's dynamic masks, per sequence
     * @param still   the static network's masks after the last round, per sequence
     */
    record Outcome(BootstrapResult result, List<List<Mask>> dynamic, List<List<Mask>> still) {
    }

    private Bootstrap() {
    }

    /**
     * @throws IllegalArgumentException naming the sequence and the problem; nothing is written
     * @throws UncheckedIOException     if the model cannot be written
     */
    static Outcome train(BootstrapRequest r, MotionSegmenter.Settings dyn, Settings s, TensorBackend backend,
            Progress progress) {
        long t0 = System.nanoTime();
        ResultFolders.checkTarget(r.output(), "the model folder '" + r.output() + "'");
        List<List<Frame>> seqs = r.sequences();
        Frame first = seqs.get(0).get(0);
        int w = first.width();
        int h = first.height();
        for (int i = 0; i < seqs.size(); i++) {
            for (int t = 0; t < seqs.get(i).size(); t++) {
                Frame f = seqs.get(i).get(t);
                if (f.width() != w || f.height() != h || f.channels() != first.channels()) {
                    throw new IllegalArgumentException("sequence " + i + " frame " + t + " is " + f.width() + "x" + f.height()
                            + "x" + f.channels() + " but sequence 0 frame 0 is " + w + "x" + h + "x" + first.channels()
                            + "; the static model takes one size");
                }
            }
            if (dyn.gap() >= seqs.get(i).size()) {
                throw new IllegalArgumentException("gap " + dyn.gap() + " is not below the " + seqs.get(i).size()
                        + " frames of sequence " + i);
            }
            List<Mask> gt = r.groundTruth() == null ? null : r.groundTruth().get(i);
            if (gt != null) {
                for (int t = 0; t < gt.size(); t++) {
                    if (gt.get(t).width() != w || gt.get(t).height() != h) {
                        throw new IllegalArgumentException("ground-truth mask " + t + " of sequence " + i + " is "
                                + gt.get(t).width() + "x" + gt.get(t).height() + " but the frames are " + w + "x" + h);
                    }
                }
            }
        }
        List<List<float[]>> images = new ArrayList<>();
        List<MotionSegmenter.Flowed> flows = new ArrayList<>();
        List<boolean[]> moving = new ArrayList<>();
        for (int i = 0; i < seqs.size(); i++) {
            List<float[]> g = new ArrayList<>();
            for (Frame f : seqs.get(i)) {
                g.add((f.channels() == 1 ? f : f.toGrey()).toArray());
            }
            images.add(g);
            MotionSegmenter.Flowed fl = MotionSegmenter.flows(seqs.get(i), dyn, progress);
            flows.add(fl);
            boolean[] mv = new boolean[fl.flows().size()];
            for (int t = 0; t < mv.length; t++) {
                mv[t] = movingFraction(fl.flows().get(t), s.motion()) >= MOVING_FRACTION;
            }
            moving.add(mv);
        }
        List<BootstrapResult.Round> rounds = new ArrayList<>();
        List<List<float[]>> priors = null;
        StaticNet net = null;
        List<List<Mask>> dynamic = null;
        List<List<Mask>> still = null;
        try {
            for (int round = 1; round <= r.rounds(); round++) {
                dynamic = new ArrayList<>();
                List<float[]> trainImages = new ArrayList<>();
                List<boolean[]> trainMasks = new ArrayList<>();
                for (int i = 0; i < seqs.size(); i++) {
                    MotionSegmenter.Run run = MotionSegmenter.masks(backend, seqs.get(i), flows.get(i), dyn,
                            priors == null ? null : priors.get(i), priors == null ? 0 : s.lambda(), progress, t0);
                    dynamic.add(run.masks());
                    for (int t = 0; t < run.masks().size(); t++) {
                        double area = (double) run.masks().get(t).area() / (w * h);
                        if (moving.get(i)[t] && area >= MIN_AREA && area <= MAX_AREA) {
                            trainImages.add(images.get(i).get(t));
                            trainMasks.add(run.masks().get(t).toArray());
                        }
                    }
                }
                if (trainImages.isEmpty()) {
                    throw new IllegalArgumentException("no frame of the " + seqs.size() + " sequences has informative motion"
                            + String.format(Locale.ROOT, " (at least %.0f %% of the pixels moving more than %s px against"
                            + " the median flow, and a dynamic mask of %.1f to %.0f %% of the frame)",
                            100 * MOVING_FRACTION, s.motion(), 100 * MIN_AREA, 100 * MAX_AREA) + " in round " + round);
                }
                if (net != null) {
                    net.close();
                    net = null;
                }
                net = StaticNet.train(trainImages, trainMasks, w, h, r.epochs(), r.seed() + round - 1, backend, progress);
                priors = new ArrayList<>();
                still = new ArrayList<>();
                for (List<float[]> g : images) {
                    float[][] p = net.probabilities(g);
                    List<float[]> ps = new ArrayList<>();
                    List<Mask> ms = new ArrayList<>();
                    for (float[] q : p) {
                        ps.add(q);
                        boolean[] in = new boolean[q.length];
                        for (int k = 0; k < q.length; k++) {
                            in[k] = q[k] > 0.5f;
                        }
                        ms.add(new Mask(w, h, in));
                    }
                    priors.add(ps);
                    still.add(ms);
                }
                rounds.add(new BootstrapResult.Round(round, trainImages.size(), meanJ(dynamic, r.groundTruth()),
                        meanJ(still, r.groundTruth()), net.loss()));
                progress.report("rounds", round, r.rounds());
            }
            Map<String, Object> report = new LinkedHashMap<>();
            List<Map<String, Object>> rs = new ArrayList<>();
            for (BootstrapResult.Round x : rounds) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("round", x.round());
                m.put("frames", x.frames());
                if (!Double.isNaN(x.dynamicJ())) {
                    m.put("dynamicJ", x.dynamicJ());
                    m.put("staticJ", x.staticJ());
                }
                m.put("loss", x.loss());
                rs.add(m);
            }
            report.put("sequences", seqs.size());
            report.put("epochs", r.epochs());
            report.put("seed", r.seed());
            report.put("lambda", s.lambda());
            report.put("flow", dyn.flow().label());
            report.put("gap", dyn.gap());
            report.put("rounds", rs);
            StaticNet fin = net;
            try {
                ResultFolders.write(r.output(), staged -> fin.save(staged, report));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the model to " + r.output() + ": " + e.getMessage(), e);
            }
            return new Outcome(new BootstrapResult(r.output(), rounds, (System.nanoTime() - t0) / 1e9), dynamic, still);
        } finally {
            if (net != null) {
                net.close();
            }
        }
    }

    /** @return the fraction of pixels whose flow differs from the frame's median flow by more than the threshold */
    static double movingFraction(Flow f, double threshold) {
        int n = f.width() * f.height();
        float mu = Flows.median(f.u(), n);
        float mv = Flows.median(f.v(), n);
        float[] u = f.u();
        float[] v = f.v();
        int count = 0;
        for (int i = 0; i < n; i++) {
            double du = u[i] - mu;
            double dv = v[i] - mv;
            count += du * du + dv * dv > threshold * threshold ? 1 : 0;
        }
        return (double) count / n;
    }

    /** @return the mean J over every frame with ground truth, NaN if none has */
    static double meanJ(List<List<Mask>> masks, List<List<Mask>> truth) {
        if (truth == null) {
            return Double.NaN;
        }
        double sum = 0;
        int count = 0;
        for (int i = 0; i < masks.size(); i++) {
            if (truth.get(i) == null) {
                continue;
            }
            for (int t = 0; t < masks.get(i).size(); t++) {
                sum += masks.get(i).get(t).jaccard(truth.get(i).get(t));
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }
}
