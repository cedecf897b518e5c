package org.modelkit.segmenter.motion.internal;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;
import org.modelkit.api.segment.BootstrapRequest;
import org.modelkit.api.segment.BootstrapResult;
import org.modelkit.api.segment.Segmentation;
import org.modelkit.api.segment.Segmenter;
import org.modelkit.api.segment.SegmenterTrainer;
import org.modelkit.io.Csv;
import org.modelkit.io.Flo;
import org.modelkit.io.FormatException;
import org.modelkit.io.Images;
import org.modelkit.io.ResultFolders;
import org.modelkit.shell.format.Args;
import org.modelkit.shell.format.ConsoleProgress;
import org.modelkit.shell.format.Methods;
import org.modelkit.shell.format.Summary;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code modelkit:segment} (the primary moving object of every frame of a folder, with masks, overlays, flow
 * pictures and, against ground truth, the Jaccard index per frame; with {@code -m dystab} each frame on its own by
 * the static model), {@code modelkit:segmenttrain} (DyStaB's bootstrap of a static model from sequences; Gogo maps
 * commands to Java method names, so the issue's {@code segment-train} is spelled without the dash, as
 * {@code trainstereo} is) and {@code modelkit:sprites} (a disk sequence with exact masks and flow). They parse,
 * check and call the services.
 */
@Component(service = SegmentCommands.class)
@GogoCommand(scope = "modelkit", function = {"segment", "segmenttrain", "sprites"})
public class SegmentCommands {
    private final BundleContext context;

    /** @param context to find the segmenter */
    @Activate
    public SegmentCommands(BundleContext context) {
        this.context = context;
    }

    /** @return the masks of a folder of black-and-white images, one per frame, of the frames' size */
    static List<Mask> readMasks(Path dir, int count, int width, int height) throws IOException {
        List<Frame> frames = Images.readFrames(dir);
        if (frames.size() != count) {
            throw new FormatException(dir, "holds " + frames.size() + " masks for " + count + " frames");
        }
        List<Mask> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            if (f.width() != width || f.height() != height) {
                throw new FormatException(dir, "mask " + i + " is " + f.width() + "x" + f.height() + " but the frames are "
                        + width + "x" + height);
            }
            float[] p = f.channels() == 1 ? f.toArray() : f.toGrey().toArray();
            boolean[] in = new boolean[width * height];
            for (int k = 0; k < in.length; k++) {
                if (p[k] != 0f && p[k] != 1f) {
                    throw new FormatException(dir, "mask " + i + " is not binary: pixel (" + k % width + ", " + k / width
                            + ") is " + p[k] + " (0 and 1 only)");
                }
                in[k] = p[k] == 1f;
            }
            out.add(new Mask(width, height, in));
        }
        return out;
    }

    /** @return the frame in colour, the mask tinted red and its outline yellow */
    static BufferedImage overlay(Frame frame, Mask mask) {
        int w = frame.width();
        int h = frame.height();
        Frame g = frame.channels() == 1 ? frame : frame.toGrey();
        float[] p = g.toArray();
        boolean[] in = mask.toArray();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int v = Math.round(255 * p[i]);
                int r = v;
                int gr = v;
                int b = v;
                if (in[i]) {
                    boolean edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || !in[i - 1] || !in[i + 1] || !in[i - w]
                            || !in[i + w];
                    if (edge) {
                        r = 255;
                        gr = 230;
                        b = 0;
                    } else {
                        r = (v + 255) / 2;
                        gr = v / 2;
                        b = v / 2;
                    }
                }
                img.setRGB(x, y, r << 16 | gr << 8 | b);
            }
        }
        return img;
    }

    @Descriptor("segment the primary moving object of every frame: masks/, overlay/, flow/ pictures and iou.csv")
    public Summary segment(
            @Descriptor("the Segmenter to run (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = MotionSegmenter.METHOD) String method,
            @Descriptor("the optical flow: brox, hs or klt (default: the configuration's)")
            @Parameter(names = {"--flow"}, absentValue = "") String flowArg,
            @Descriptor("cis: fixed (the fixed inpainter) or learned (mask network against inpainter); default: the"
                    + " configuration's")
            @Parameter(names = {"--mode"}, absentValue = "") String modeArg,
            @Descriptor("the frame gap of the flow (default: the configuration's)")
            @Parameter(names = {"--gap"}, absentValue = "") String gapArg,
            @Descriptor("ε > 0 at the reference 192x384 frames (default: the configuration's; small for slow motion)")
            @Parameter(names = {"--eps"}, absentValue = "") String epsArg,
            @Descriptor("a folder of ground-truth masks (black and white, one per frame, in name order)")
            @Parameter(names = {"--gt"}, absentValue = "") String gt,
            @Descriptor("dystab: the static model's folder (default: the configuration's 'model')")
            @Parameter(names = {"--model"}, absentValue = "") String model,
            @Descriptor("the result folder, written as a whole")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out,
            @Descriptor("a folder of frames (PNG/PGM/JPEG, in name order)") String framesDir) throws IOException {
        Methods.find(context, Segmenter.class, "segmenter", method);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("-o DIR is missing: the folder for masks/, overlay/, flow/ and iou.csv");
        }
        Path outDir = Path.of(out);
        ResultFolders.checkTarget(outDir, "-o '" + out + "'");
        List<Frame> frames = Images.readFrames(Path.of(framesDir));
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("'" + framesDir + "' holds no frame");
        }
        List<Mask> truth = gt.isEmpty() ? null
                : readMasks(Path.of(gt), frames.size(), frames.get(0).width(), frames.get(0).height());
        return Methods.using(context, Segmenter.class, "segmenter", method, h -> {
            if (h.get() instanceof DystabSegmenter d) {
                if (!(flowArg + modeArg + gapArg + epsArg).isEmpty()) {
                    throw new IllegalArgumentException("--flow, --mode, --gap and --eps are for segmentation from motion;"
                            + " -m dystab segments each frame on its own");
                }
                return still(d, model.isEmpty() ? null : Path.of(model), frames, truth, outDir);
            }
            if (!model.isEmpty()) {
                throw new IllegalArgumentException("--model is for -m dystab; method '" + method + "' segments from motion");
            }
            if (!modeArg.isEmpty()) {
                MotionSegmenter.mode(modeArg);
            }
            if (frames.size() < 2) {
                throw new IllegalArgumentException("'" + framesDir + "' holds " + frames.size()
                        + " frame; motion needs two or more");
            }
            if (!(h.get() instanceof MotionSegmenter seg)) {
                throw new IllegalArgumentException("method '" + method + "' is not the motion segmenter of this bundle");
            }
            MotionSegmenter.Settings base = seg.settings();
            Flows.Method flow = flowArg.isEmpty() ? base.flow() : Flows.Method.parse(flowArg);
            int gap = gapArg.isEmpty() ? base.gap() : Args.wholeNumber("--gap", gapArg, 1, frames.size() - 1);
            MotionSegmenter.Settings settings = base.with(flow, gap);
            if (!modeArg.isEmpty()) {
                settings = settings.learned(MotionSegmenter.mode(modeArg));
            }
            if (!epsArg.isEmpty()) {
                settings = settings.withEpsilon(Args.number("--eps", epsArg, 0, 1e9, true));
            }
            MotionSegmenter.Run run = seg.run(frames, settings, new ConsoleProgress(System.out, 1000));
            double[] j = new double[frames.size()];
            double meanJ = 0;
            int recall = 0;
            List<List<?>> rows = new ArrayList<>();
            if (truth != null) {
                for (int t = 0; t < j.length; t++) {
                    j[t] = run.masks().get(t).jaccard(truth.get(t));
                    meanJ += j[t] / j.length;
                    recall += j[t] > 0.5 ? 1 : 0;
                    rows.add(List.of(t, j[t], run.loss()[t]));
                }
            }
            ResultFolders.write(outDir, staged -> {
                for (int t = 0; t < frames.size(); t++) {
                    String name = String.format(Locale.ROOT, "%03d.png", t);
                    Images.writeMask(staged.resolve("masks").resolve(name), run.masks().get(t));
                    Images.writePng(staged.resolve("overlay").resolve(name), overlay(frames.get(t), run.masks().get(t)));
                    Images.writePng(staged.resolve("flow").resolve(name), Flo.picture(run.flows().get(t), 0));
                }
                if (truth != null) {
                    Csv.writeRows(staged.resolve("iou.csv"), List.of("frame", "jaccard", "cis_loss"), rows);
                }
            });
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("mode", settings.learned() ? String.format(Locale.ROOT, "learned (%d cycles at rate %s; %d kicks)",
                    settings.cycles(), settings.learnedRate(), run.kicks()) : "fixed inpainter");
            fields.put("flow", flow.label() + ", gap " + gap + String.format(Locale.ROOT, ", ε %s (%.1f %% of vectors replaced)",
                    settings.cis().epsilon(),
                    100.0 * run.replaced() / ((double) frames.size() * frames.get(0).width() * frames.get(0).height())));
            fields.put("masks complemented", run.flipped() + " of " + frames.size() + " (border rule)");
            fields.put("written", outDir.toString());
            String line = truth == null
                    ? String.format(Locale.ROOT, "%d frames segmented in %.1f s", frames.size(), run.seconds())
                    : String.format(Locale.ROOT, "%d frames: mean J %.3f, J-recall %.2f (J > 0.5 in %d); %.1f s", frames.size(),
                            meanJ, (double) recall / frames.size(), recall, run.seconds());
            return new Summary(line, fields);
        });
    }

    /** {@code segment -m dystab}: each frame by the static model, in batches, with progress. */
    private static Summary still(DystabSegmenter d, Path model, List<Frame> frames, List<Mask> truth, Path outDir)
            throws IOException {
        Segmentation seg = d.segment(frames, model, new ConsoleProgress(System.out, 1000));
        List<Mask> masks = seg.masks();
        double seconds = seg.diagnostics().get("seconds");
        double meanJ = 0;
        int recall = 0;
        List<List<?>> rows = new ArrayList<>();
        if (truth != null) {
            for (int t = 0; t < frames.size(); t++) {
                double j = masks.get(t).jaccard(truth.get(t));
                meanJ += j / frames.size();
                recall += j > 0.5 ? 1 : 0;
                rows.add(List.of(t, j));
            }
        }
        ResultFolders.write(outDir, staged -> {
            for (int t = 0; t < frames.size(); t++) {
                String name = String.format(Locale.ROOT, "%03d.png", t);
                Images.writeMask(staged.resolve("masks").resolve(name), masks.get(t));
                Images.writePng(staged.resolve("overlay").resolve(name), overlay(frames.get(t), masks.get(t)));
            }
            if (truth != null) {
                Csv.writeRows(staged.resolve("iou.csv"), List.of("frame", "jaccard"), rows);
            }
        });
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("model", model != null ? model.toString() : String.valueOf(d.settings().model()));
        fields.put("written", outDir.toString());
        String line = truth == null
                ? String.format(Locale.ROOT, "%d frames segmented one by one by the static model in %.1f s", frames.size(),
                        seconds)
                : String.format(Locale.ROOT, "%d frames, each on its own: mean J %.3f, J-recall %.2f (J > 0.5 in %d); %.1f s",
                        frames.size(), meanJ, (double) recall / frames.size(), recall, seconds);
        return new Summary(line, fields);
    }

    /** @return the frames of a sequence folder: its frames/ if it has one, else the folder itself */
    static Path framesOf(Path dir) {
        Path f = dir.resolve("frames");
        return Files.isDirectory(f) ? f : dir;
    }

    @Descriptor("DyStaB: bootstrap a static segmentation model from the motion of frame sequences (J per round where"
            + " a sequence has masks/)")
    public Summary segmenttrain(
            @Descriptor("the trainer (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = DystabSegmenter.METHOD) String method,
            @Descriptor("rounds (default: the configuration's)")
            @Parameter(names = {"-r", "--rounds"}, absentValue = "") String roundsArg,
            @Descriptor("epochs of the static network per round (default: the configuration's)")
            @Parameter(names = {"-e", "--epochs"}, absentValue = "") String epochsArg,
            @Descriptor("the seed")
            @Parameter(names = {"-s", "--seed"}, absentValue = "1") String seedArg,
            @Descriptor("the model folder to write, as a whole")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out,
            @Descriptor("sequence folders: each a folder of frames, or holding frames/ and optionally masks/ (ground truth,"
                    + " for reporting only), as modelkit:sprites writes") String... sequenceDirs) throws IOException {
        Methods.find(context, SegmenterTrainer.class, "segmenter trainer", method);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("-o DIR is missing: the folder for the static model");
        }
        if (sequenceDirs == null || sequenceDirs.length == 0) {
            throw new IllegalArgumentException("no sequence folder given");
        }
        long seed = Args.longNumber("--seed", seedArg, Long.MIN_VALUE, Long.MAX_VALUE);
        Path outDir = Path.of(out);
        ResultFolders.checkTarget(outDir, "-o '" + out + "'");
        List<List<Frame>> sequences = new ArrayList<>();
        List<List<Mask>> truth = new ArrayList<>();
        boolean anyTruth = false;
        for (String s : sequenceDirs) {
            Path dir = Path.of(s);
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("sequence folder '" + s + "' does not exist");
            }
            List<Frame> frames = Images.readFrames(framesOf(dir));
            if (frames.size() < 2) {
                throw new IllegalArgumentException("'" + s + "' holds " + frames.size() + " frame; motion needs two or more");
            }
            sequences.add(frames);
            Path masks = dir.resolve("masks");
            if (Files.isDirectory(masks)) {
                truth.add(readMasks(masks, frames.size(), frames.get(0).width(), frames.get(0).height()));
                anyTruth = true;
            } else {
                truth.add(null);
            }
        }
        boolean withTruth = anyTruth;
        return Methods.using(context, SegmenterTrainer.class, "segmenter trainer", method, h -> {
            int rounds;
            int epochs;
            if (h.get() instanceof DystabSegmenter d) {
                rounds = roundsArg.isEmpty() ? d.settings().rounds() : Args.wholeNumber("-r", roundsArg, 1, 100);
                epochs = epochsArg.isEmpty() ? d.settings().epochs() : Args.wholeNumber("-e", epochsArg, 1, 100_000);
            } else {
                rounds = roundsArg.isEmpty() ? 2 : Args.wholeNumber("-r", roundsArg, 1, 100);
                epochs = epochsArg.isEmpty() ? 40 : Args.wholeNumber("-e", epochsArg, 1, 100_000);
            }
            BootstrapResult r = h.get().train(new BootstrapRequest(sequences, withTruth ? truth : null, rounds, epochs, seed,
                    outDir), new ConsoleProgress(System.out, 1000));
            Map<String, String> fields = new LinkedHashMap<>();
            for (BootstrapResult.Round x : r.rounds()) {
                fields.put("round " + x.round(), Double.isNaN(x.dynamicJ())
                        ? String.format(Locale.ROOT, "%d informative frames; BCE %.3f", x.frames(), x.loss())
                        : String.format(Locale.ROOT, "J dynamic %.3f, static %.3f (%d informative frames; BCE %.3f)",
                                x.dynamicJ(), x.staticJ(), x.frames(), x.loss()));
            }
            fields.put("written", r.model().toString());
            return new Summary(String.format(Locale.ROOT, "static model trained on %d sequences in %d rounds; %.1f s",
                    sequences.size(), r.rounds().size(), r.seconds()), fields);
        });
    }

    @Descriptor("write a sprite sequence with exact masks and flow: frames/, masks/, flow/ (.flo and .png)")
    public Summary sprites(
            @Descriptor("disks (a textured disk over a smooth panning background) or fashion (two Fashion-MNIST items over a"
                    + " panning texture, scaling and occluding)")
            @Parameter(names = {"-k", "--kind"}, absentValue = "disks") String kind,
            @Descriptor("fashion: the Fashion-MNIST IDX images")
            @Parameter(names = {"--items"}, absentValue = "testdata/fashion-mnist/train-2000-images-idx3-ubyte.gz") String items,
            @Descriptor("fashion: the background texture image")
            @Parameter(names = {"--texture"}, absentValue = "testdata/stereo/texture-brick.png") String texture,
            @Descriptor("frames (>= 2)")
            @Parameter(names = {"-n", "--frames"}, absentValue = "12") String framesArg,
            @Descriptor("the side of the square frames (32..512)")
            @Parameter(names = {"--size"}, absentValue = "64") String sizeArg,
            @Descriptor("the seed")
            @Parameter(names = {"-s", "--seed"}, absentValue = "1") String seedArg,
            @Descriptor("the last frames in which the disk rides with the background: static frames (0..n)")
            @Parameter(names = {"--still"}, absentValue = "0") String stillArg,
            @Descriptor("the folder to write, as a whole")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out) throws IOException {
        int n = Args.wholeNumber("-n", framesArg, 2, 10_000);
        int still = Args.wholeNumber("--still", stillArg, 0, n);
        if (!kind.equals("disks") && !kind.equals("fashion")) {
            throw new IllegalArgumentException("--kind '" + kind + "' is not one of disks, fashion");
        }
        if (kind.equals("fashion") && still > 0) {
            throw new IllegalArgumentException("--still is for --kind disks");
        }
        for (String f : kind.equals("fashion") ? List.of(items, texture) : List.<String>of()) {
            if (!Files.isRegularFile(Path.of(f))) {
                throw new IllegalArgumentException("'" + f + "' does not exist (--items and --texture name the sprites' data;"
                        + " the defaults are relative to the project folder)");
            }
        }
        int size = Args.wholeNumber("--size", sizeArg, 32, 512);
        long seed = Args.longNumber("--seed", seedArg, Long.MIN_VALUE, Long.MAX_VALUE);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("-o DIR is missing: the folder for frames/, masks/ and flow/");
        }
        Path outDir = Path.of(out);
        ResultFolders.checkTarget(outDir, "-o '" + out + "'");
        Disks.Sequence s = kind.equals("fashion")
                ? FashionSprites.sequence(size, n, seed, Path.of(items), Path.of(texture))
                : Disks.sequence(size, n, seed, still);
        ResultFolders.write(outDir, staged -> {
            for (int t = 0; t < n; t++) {
                String name = String.format(Locale.ROOT, "%03d", t);
                Images.write(staged.resolve("frames").resolve(name + ".png"), new Frame(size, size, 1, s.frames()[t]));
                Images.writeMask(staged.resolve("masks").resolve(name + ".png"), new Mask(size, size, s.masks()[t]));
                Flo.write(staged.resolve("flow").resolve(name + ".flo"), s.flows()[t]);
                Images.writePng(staged.resolve("flow").resolve(name + ".png"), Flo.picture(s.flows()[t], 0));
            }
        });
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("written", outDir + "/frames, masks, flow");
        return new Summary(kind.equals("fashion")
                ? String.format(Locale.ROOT, "%d frames of %dx%d: two Fashion-MNIST items over %s, the camera panning", n,
                        size, size, Path.of(texture).getFileName())
                : String.format(Locale.ROOT, "%d frames of %dx%d: a textured disk over a panning background%s", n, size, size,
                        still == 0 ? "" : ", riding with it in the last " + still), fields);
    }
}
