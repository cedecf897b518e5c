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
import org.modelkit.api.segment.Segmenter;
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
 * pictures and, against ground truth, the Jaccard index per frame) and {@code modelkit:sprites} (a disk sequence
 * with exact masks and flow). They parse, check and call the segmenter.
 */
@Component(service = SegmentCommands.class)
@GogoCommand(scope = "modelkit", function = {"segment", "sprites"})
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
            @Descriptor("the frame gap of the flow (default: the configuration's)")
            @Parameter(names = {"--gap"}, absentValue = "") String gapArg,
            @Descriptor("ε > 0 at the reference 192x384 frames (default: the configuration's; small for slow motion)")
            @Parameter(names = {"--eps"}, absentValue = "") String epsArg,
            @Descriptor("a folder of ground-truth masks (black and white, one per frame, in name order)")
            @Parameter(names = {"--gt"}, absentValue = "") String gt,
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
        if (frames.size() < 2) {
            throw new IllegalArgumentException("'" + framesDir + "' holds " + frames.size() + " frame; motion needs two or more");
        }
        List<Mask> truth = gt.isEmpty() ? null
                : readMasks(Path.of(gt), frames.size(), frames.get(0).width(), frames.get(0).height());
        try (Methods.Held<Segmenter> h = Methods.hold(context, Segmenter.class, "segmenter", method)) {
            if (!(h.get() instanceof MotionSegmenter seg)) {
                throw new IllegalArgumentException("method '" + method + "' is not the motion segmenter of this bundle");
            }
            MotionSegmenter.Settings base = seg.settings();
            Flows.Method flow = flowArg.isEmpty() ? base.flow() : Flows.Method.parse(flowArg);
            int gap = gapArg.isEmpty() ? base.gap() : Args.wholeNumber("--gap", gapArg, 1, frames.size() - 1);
            MotionSegmenter.Settings settings = base.with(flow, gap);
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
        }
    }

    @Descriptor("write a disk sequence with exact masks and flow: frames/, masks/, flow/ (.flo and .png)")
    public Summary sprites(
            @Descriptor("frames (>= 2)")
            @Parameter(names = {"-n", "--frames"}, absentValue = "12") String framesArg,
            @Descriptor("the side of the square frames (32..512)")
            @Parameter(names = {"--size"}, absentValue = "64") String sizeArg,
            @Descriptor("the seed")
            @Parameter(names = {"-s", "--seed"}, absentValue = "1") String seedArg,
            @Descriptor("the folder to write, as a whole")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out) throws IOException {
        int n = Args.wholeNumber("-n", framesArg, 2, 10_000);
        int size = Args.wholeNumber("--size", sizeArg, 32, 512);
        long seed = Args.longNumber("--seed", seedArg, Long.MIN_VALUE, Long.MAX_VALUE);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("-o DIR is missing: the folder for frames/, masks/ and flow/");
        }
        Path outDir = Path.of(out);
        ResultFolders.checkTarget(outDir, "-o '" + out + "'");
        Disks.Sequence s = Disks.sequence(size, n, seed);
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
        return new Summary(String.format(Locale.ROOT, "%d frames of %dx%d: a textured disk over a panning background", n,
                size, size), fields);
    }
}
