package org.modelkit.perturber.stereo.internal;

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
import java.util.function.LongFunction;
import org.modelkit.api.data.Disparity;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.StereoPair;
import org.modelkit.api.perturb.AttackResult;
import org.modelkit.api.perturb.AttackSpec;
import org.modelkit.api.perturb.Perturber;
import org.modelkit.io.Csv;
import org.modelkit.io.Images;
import org.modelkit.io.LinePlot;
import org.modelkit.io.Pfm;
import org.modelkit.io.ResultFolders;
import org.modelkit.shell.format.Args;
import org.modelkit.shell.format.ConsoleProgress;
import org.modelkit.shell.format.Methods;
import org.modelkit.shell.format.Models;
import org.modelkit.shell.format.Summary;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code modelkit:disparity} (a network's disparity for a pair), {@code modelkit:perturb} (attacks over bounds,
 * with metrics, 16-bit perturbed pairs and pictures) and {@code modelkit:trainstereo} (a network on random-dot
 * stereo, optionally with adversarial augmentation). They parse, check and call the perturber.
 */
@Component(service = StereoCommands.class)
@GogoCommand(scope = "modelkit", function = {"disparity", "perturb", "trainstereo"})
public class StereoCommands {
    private final BundleContext context;

    /** @param context to find the perturber and the model store */
    @Activate
    public StereoCommands(BundleContext context) {
        this.context = context;
    }

    private static StereoPerturber held(Methods.Held<Perturber> h, String method) {
        if (!(h.get() instanceof StereoPerturber p)) {
            throw new IllegalArgumentException("method '" + method + "' is not the stereo perturber of this bundle");
        }
        return p;
    }

    /** @return the pair, converted to grey when the network takes grey images */
    private static StereoPair pair(String left, String right, StereoModel net) throws IOException {
        StereoPair p = new StereoPair(Images.read(Path.of(left)), Images.read(Path.of(right)));
        if (net.spec().inputChannels() == 1 && p.left().channels() == 3) {
            return new StereoPair(p.left().toGrey(), p.right().toGrey());
        }
        return p;
    }

    /** @return EPE, D1 and bad-1 against the ground truth when given */
    @Descriptor("a stereo network's disparity for a pair: OUT.pfm and a colour-mapped OUT.png")
    public Summary disparity(
            @Descriptor("the Perturber to run (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = StereoSpec.METHOD) String method,
            @Descriptor("ground truth (PFM; inf or NaN unknown) to score the disparity against")
            @Parameter(names = {"--gt"}, absentValue = "") String gt,
            @Descriptor("the network: a stored model or a model folder (modelkit:trainstereo)") String model,
            @Descriptor("the left image (PNG/PGM; RGB is made grey for a grey network)") String left,
            @Descriptor("the right image") String right,
            @Descriptor("the PFM to write (a PNG beside it)") String out) throws IOException {
        Methods.find(context, Perturber.class, "perturber", method);
        Path dir = Models.resolve(context, model).path();
        StereoModel net = StereoPerturber.read(dir);
        StereoPair p = pair(left, right, net);
        Disparity truth = gt.isEmpty() ? null : Pfm.read(Path.of(gt));
        StereoBatch b = StereoPerturber.batch(p, truth, net, dir);
        Path pfm = Path.of(out);
        if (!pfm.getFileName().toString().endsWith(".pfm")) {
            throw new IllegalArgumentException("OUT '" + out + "' must end in .pfm");
        }
        Path png = pfm.resolveSibling(pfm.getFileName().toString().replaceAll("\\.pfm$", ".png"));
        return Methods.using(context, Perturber.class, "perturber", method, h -> {
            float[] d = held(h, method).predict(net, b);
            Pfm.write(pfm, Disparity.fromRaw(b.width(), b.height(), d));
            Images.writePng(png, StereoPictures.colour(d, b.width(), b.height(), net.spec().maxDisparity() - 1));
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("model", dir + " (" + net.spec() + ")");
            fields.put("written", pfm + ", " + png);
            double mean = 0;
            for (float v : d) {
                mean += v / d.length;
            }
            String line = String.format(Locale.ROOT, "disparity of %dx%d, mean %.2f px", b.width(), b.height(), mean);
            if (truth != null) {
                DisparityMetrics dm = DisparityMetrics.of(d, b.disparity(), 1);
                line += String.format(Locale.ROOT, "; EPE %.3f px, RMSE %.3f, D1 %.2f %%, bad-1 %.2f %%", dm.epe(), dm.rmse(),
                        dm.d1(), dm.bad1());
            }
            return new Summary(line, fields);
        });
    }

    /** @return one line per attack and ε: EPE, RMSE, D1, bad-1 and the perturbation's size */
    @Descriptor("attack a stereo network: every attack at every ε, figures in results.csv, pictures per attack and ε")
    public Summary perturb(
            @Descriptor("the Perturber to run (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = StereoSpec.METHOD) String method,
            @Descriptor("attacks, comma-separated: fgsm, ifgsm, mifgsm, uniform, gaussian")
            @Parameter(names = {"-a", "--attacks"}, absentValue = "fgsm,ifgsm") String attacksArg,
            @Descriptor("bounds ε, comma-separated, each in (0, 1]")
            @Parameter(names = {"-e", "--eps"}, absentValue = "0.002,0.005,0.01,0.02") String epsArg,
            @Descriptor("iterations of I-FGSM and MI-FGSM (default: the configuration's)")
            @Parameter(names = {"-n", "--steps"}, absentValue = "") String stepsArg,
            @Descriptor("the images attacked: both, left or right (default: the configuration's)")
            @Parameter(names = {"--mode"}, absentValue = "") String modeArg,
            @Descriptor("the diverse-input probability in [0, 1] (default: the configuration's)")
            @Parameter(names = {"--di"}, absentValue = "") String diArg,
            @Descriptor("the seed of the noise and the diverse inputs")
            @Parameter(names = {"-s", "--seed"}, absentValue = "1") String seedArg,
            @Descriptor("a second network the perturbations are carried to (transfer)")
            @Parameter(names = {"--transfer"}, absentValue = "") String transfer,
            @Descriptor("the folder for results.csv, epe-vs-eps.png and one folder per attack and ε, written as a whole")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out,
            @Descriptor("the network under attack: a stored model or a model folder") String model,
            @Descriptor("the left image") String left,
            @Descriptor("the right image") String right,
            @Descriptor("the ground truth (PFM)") String gt) throws IOException {
        Methods.find(context, Perturber.class, "perturber", method);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("-o DIR is missing: the folder for results.csv and the pictures");
        }
        Path outDir = Path.of(out);
        ResultFolders.checkTarget(outDir, "-o '" + out + "'");
        List<String> attacks = new ArrayList<>();
        for (String a : attacksArg.split(",")) {
            attacks.add(Attacks.check(a.trim().toLowerCase(Locale.ROOT)));
        }
        List<Double> eps = new ArrayList<>();
        for (String e : epsArg.split(",")) {
            eps.add(Args.number("-e", e.trim(), 0, 1, true));
        }
        long seed = Args.longNumber("--seed", seedArg, Long.MIN_VALUE, Long.MAX_VALUE);
        Path dir = Models.resolve(context, model).path();
        StereoModel net = StereoPerturber.read(dir);
        Path dirB = transfer.isEmpty() ? null : Models.resolve(context, transfer).path();
        StereoModel netB = dirB == null ? null : StereoPerturber.read(dirB);
        StereoPair p = pair(left, right, net);
        StereoBatch b = StereoPerturber.batch(p, Pfm.read(Path.of(gt)), net, dir);
        if (netB != null) {
            StereoPerturber.batch(p, null, netB, dirB);
        }
        return Methods.using(context, Perturber.class, "perturber", method, h -> {
            StereoPerturber perturber = held(h, method);
            AttackSpec base = perturber.defaults();
            int steps = stepsArg.isEmpty() ? base.steps() : Args.wholeNumber("-n", stepsArg, 1, 100_000);
            AttackSpec.Target target = modeArg.isEmpty() ? base.target() : AttackSpec.Target.parse(modeArg);
            double di = diArg.isEmpty() ? base.diversity() : Args.number("--di", diArg, 0, 1, false);
            ConsoleProgress progress = new ConsoleProgress(System.out, 1000);
            float[] cleanB = netB == null ? null : perturber.predict(netB, b);
            DisparityMetrics cleanMetricsB = netB == null ? null : DisparityMetrics.of(cleanB, b.disparity(), 1);
            List<List<?>> rows = new ArrayList<>();
            Map<String, double[]> curves = new LinkedHashMap<>();
            Map<String, AttackResult> results = new LinkedHashMap<>();
            DisparityMetrics clean = null;
            StringBuilder table = new StringBuilder();
            for (String a : attacks) {
                double[] curve = new double[eps.size()];
                double[] curveB = new double[eps.size()];
                for (int k = 0; k < eps.size(); k++) {
                    double e = eps.get(k);
                    AttackSpec spec = new AttackSpec(a, e, steps, perturber.alpha(e), base.momentum(), target, di, seed);
                    AttackResult r = perturber.attack(net, b, spec, progress);
                    clean = DisparityMetrics.of(r.clean().toArray(), b.disparity(), 1);
                    DisparityMetrics m = DisparityMetrics.of(r.attacked().toArray(), b.disparity(), 1);
                    DisparityMetrics.Noise n = DisparityMetrics.Noise.of(r.deltaLeft().toArray(), r.deltaRight().toArray());
                    DisparityMetrics mb = null;
                    if (netB != null) {
                        mb = DisparityMetrics.of(perturber.predict(netB, StereoBatch.of(r.perturbed(), null)), b.disparity(), 1);
                        curveB[k] = mb.epe();
                    }
                    curve[k] = m.epe();
                    results.put(a + "-" + e, r);
                    rows.add(List.of(a, e, target.label(), fmt(m.epe()), fmt(m.rmse()), fmt(m.d1()), fmt(m.bad1()),
                            fmt(n.linf()), fmt(n.l0()), fmt(n.l1()), mb == null ? "" : fmt(mb.epe()), mb == null ? ""
                                    : fmt(mb.d1())));
                    table.append(String.format(Locale.ROOT, "%n  %-8s ε %-6s EPE %.3f  RMSE %.3f  D1 %5.2f %%  bad-1 %5.2f %%"
                            + "  ‖δ‖∞ %.4f  L0 %.2f  L1 %.5f%s", a, e, m.epe(), m.rmse(), m.d1(), m.bad1(), n.linf(), n.l0(),
                            n.l1(), mb == null ? "" : String.format(Locale.ROOT, "  | transfer: EPE %.3f D1 %.2f %%", mb.epe(), mb.d1())));
                }
                curves.put(a, curve);
                if (netB != null) {
                    curves.put(a + " → transfer", curveB);
                }
            }
            write(outDir, b, net, rows, eps, curves, results, clean, cleanB);
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("model", dir + " (" + net.spec() + ")");
            if (netB != null) {
                fields.put("transfer", dirB + String.format(Locale.ROOT, " (clean EPE %.3f px)", cleanMetricsB.epe()));
            }
            fields.put("written", outDir.resolve("results.csv") + ", " + outDir.resolve("epe-vs-eps.png") + ", "
                    + results.size() + " folders");
            return new Summary(String.format(Locale.ROOT, "clean EPE %.3f px, D1 %.2f %%, bad-1 %.2f %%; %d attacks:%s",
                    clean.epe(), clean.d1(), clean.bad1(), results.size(), table), fields);
        });
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static void write(Path outDir, StereoBatch b, StereoModel net, List<List<?>> rows, List<Double> eps,
            Map<String, double[]> curves, Map<String, AttackResult> results, DisparityMetrics clean, float[] cleanB)
            throws IOException {
        ResultFolders.write(outDir, staged -> {
            Csv.writeRows(staged.resolve("results.csv"), List.of("attack", "epsilon", "mode", "epe", "rmse", "d1", "bad1",
                    "linf", "l0", "l1", "transfer_epe", "transfer_d1"), rows);
            double[] x = eps.stream().mapToDouble(Double::doubleValue).toArray();
            List<LinePlot.Series> series = new ArrayList<>();
            int colour = 0;
            for (Map.Entry<String, double[]> c : curves.entrySet()) {
                series.add(new LinePlot.Series(c.getKey(), x, c.getValue(), colour / (cleanB == null ? 1 : 2),
                        c.getKey().endsWith("transfer")));
                colour++;
            }
            double[] flat = new double[x.length];
            java.util.Arrays.fill(flat, clean.epe());
            series.add(new LinePlot.Series("clean", x, flat, 7, true));
            LinePlot.write(staged.resolve("epe-vs-eps.png"), "EPE against the bound ε", "ε", "EPE (px)", false, series);
            double max = net.spec().maxDisparity() - 1;
            for (Map.Entry<String, AttackResult> e : results.entrySet()) {
                Path d = Files.createDirectories(staged.resolve(e.getKey()));
                AttackResult r = e.getValue();
                double epsilon = Double.parseDouble(e.getKey().substring(e.getKey().indexOf('-') + 1));
                Images.write16(d.resolve("left.png"), r.perturbed().left());
                Images.write16(d.resolve("right.png"), r.perturbed().right());
                Images.write(d.resolve("delta-left.png"), StereoPictures.delta(r.deltaLeft(), epsilon));
                Images.write(d.resolve("delta-right.png"), StereoPictures.delta(r.deltaRight(), epsilon));
                Images.writePng(d.resolve("disp-clean.png"), StereoPictures.colour(r.clean().toArray(), b.width(), b.height(), max));
                Images.writePng(d.resolve("disp-attacked.png"), StereoPictures.colour(r.attacked().toArray(), b.width(),
                        b.height(), max));
                float[] err = r.attacked().toArray();
                float[] gt = b.disparity();
                for (int i = 0; i < err.length; i++) {
                    err[i] = Math.abs(err[i] - gt[i]);
                }
                Images.writePng(d.resolve("error.png"), StereoPictures.colour(err, b.width(), b.height(), max));
            }
        });
    }

    /** @return the PNG textures in a folder, named texture-*.png */
    private static List<Frame> textures(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--data layered:" + dir + ": no such folder");
        }
        List<Frame> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.getFileName().toString().matches("texture-.*\\.png")).sorted().toList()) {
                out.add(Images.read(f).toGrey());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--data layered:" + dir + ": no texture-*.png in it");
        }
        return out;
    }

    /** @return the final loss and the clean figures on held-out training-like pairs */
    @Descriptor("train a stereo network on random-dot stereo (SmoothL1, Adam, batch 8), optionally with adversarial augmentation")
    public Summary trainstereo(
            @Descriptor("the Perturber whose backend trains (modelkit:methods lists them)")
            @Parameter(names = {"-m", "--method"}, absentValue = StereoSpec.METHOD) String method,
            @Descriptor("the architecture: A (correlation volume) or B (concatenation volume, 3-D convolutions)")
            @Parameter(names = {"-a", "--architecture"}, absentValue = "A") String arch,
            @Descriptor("the training data: random-dot (24x48, disparity < 8) or layered:DIR (textured layered scenes, 64x128,"
                    + " from the PNG textures in DIR, for example testdata/stereo)")
            @Parameter(names = {"--data"}, absentValue = "random-dot") String data,
            @Descriptor("the disparity range of the network: 0 .. D-1 (default: 8 for random-dot, the configuration's for layered)")
            @Parameter(names = {"-D", "--max-disparity"}, absentValue = "") String dArg,
            @Descriptor("pairs per step")
            @Parameter(names = {"--batch"}, absentValue = "8") String batchArg,
            @Descriptor("ε of FGSM augmentation on every second batch (0: none)")
            @Parameter(names = {"--adversarial"}, absentValue = "0") String advArg,
            @Descriptor("Adam steps")
            @Parameter(names = {"-n", "--steps"}, absentValue = "800") String stepsArg,
            @Descriptor("Adam's learning rate")
            @Parameter(names = {"--lr"}, absentValue = "2e-3") String lrArg,
            @Descriptor("the seed of the initialisation and the data")
            @Parameter(names = {"-s", "--seed"}, absentValue = "1") String seedArg,
            @Descriptor("the model folder to create, written as a whole at the end")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out) throws IOException {
        Methods.find(context, Perturber.class, "perturber", method);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("-o DIR is missing: the model folder to create");
        }
        Path outDir = Path.of(out);
        ResultFolders.checkTarget(outDir, "-o '" + out + "'");
        String a = arch.trim().toUpperCase(Locale.ROOT);
        if (!a.equals("A") && !a.equals("B")) {
            throw new IllegalArgumentException("-a '" + arch + "' is not one of A, B");
        }
        if (!data.equals("random-dot") && !data.startsWith("layered:")) {
            throw new IllegalArgumentException("--data '" + data + "' is not random-dot or layered:DIR");
        }
        int batch = Args.wholeNumber("--batch", batchArg, 1, 1024);
        double adv = Args.number("--adversarial", advArg, 0, 1, false);
        int steps = Args.wholeNumber("-n", stepsArg, 1, 1_000_000);
        double lr = Args.number("--lr", lrArg, 0, 1, true);
        long seed = Args.longNumber("--seed", seedArg, Long.MIN_VALUE, Long.MAX_VALUE);
        return Methods.using(context, Perturber.class, "perturber", method, h -> {
            StereoPerturber p = held(h, method);
            boolean dots = data.equals("random-dot");
            int d = dArg.isEmpty() ? (dots ? RandomDot.MAX_DISPARITY : p.maxDisparity()) : Args.wholeNumber("-D", dArg, 2, 512);
            List<Frame> textures = dots ? List.of() : textures(Path.of(data.substring("layered:".length())));
            LongFunction<StereoBatch> source = dots ? s -> RandomDot.generate(batch, seed * 1_000_003L + s)
                    : s -> LayeredScenes.generate(batch, LayeredScenes.HEIGHT, LayeredScenes.WIDTH, d, textures,
                            seed * 1_000_003L + s);
            StereoSpec spec = StereoSpec.of(a, 1, d);
            ConsoleProgress progress = new ConsoleProgress(System.out, 1000);
            StereoPerturber.Trained t = p.train(spec, source, new StereoTraining.Options(steps, lr, adv), seed, outDir,
                    progress);
            StereoBatch test = dots ? RandomDot.generate(32, Long.MAX_VALUE - seed) : LayeredScenes.generate(32,
                    LayeredScenes.HEIGHT, LayeredScenes.WIDTH, d, textures, Long.MAX_VALUE - seed);
            DisparityMetrics m = DisparityMetrics.of(p.predict(t.model(), test), test.disparity(), test.n());
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("model", outDir + " (" + spec + ")");
            fields.put("evaluated on", "32 held-out " + (dots ? "random-dot pairs" : "layered scenes"));
            fields.put("gradient checks", t.training().checks());
            return new Summary(String.format(Locale.ROOT, "trained %s for %d steps, final loss %.4f; clean EPE %.3f px, D1 %.2f %%,"
                    + " bad-1 %.2f %%", a, steps, t.losses()[steps - 1], m.epe(), m.d1(), m.bad1()), fields);
        });
    }
}
