package org.modelkit.distiller.focal.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.modelkit.api.classify.Classification;
import org.modelkit.api.classify.Classifier;
import org.modelkit.api.congruent.FlipMetrics;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.method.Method;
import org.modelkit.api.model.PromotionGate;
import org.modelkit.api.model.StoredModel;
import org.modelkit.api.progress.Progress;
import org.modelkit.io.Csv;
import org.modelkit.io.Json;
import org.modelkit.io.LabelledFiles;
import org.modelkit.io.ResultFolders;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The model-swap gate: before {@code modelkit:model promote ID@N} makes N current, the current version and N
 * run on the held-out set through the {@link Classifier} "classify" (on the backend serving it), and N is
 * refused when its negative flip rate against the current version exceeds {@code max.nfr} (or its relative
 * NFR {@code max.relative.nfr}). Every check writes a report. Promotions of other ids pass untouched.
 */
@Component(service = {PromotionGate.class, FlipGate.class}, configurationPid = FlipGate.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = GateConfig.class, factory = true)
public class FlipGate implements PromotionGate {
    /** The factory PID: a gate is {@code org.modelkit.distiller.focal.gate~NAME}. */
    public static final String FACTORY_PID = "org.modelkit.distiller.focal.gate";

    private final Classifier classifier;
    private final String name;
    private final String modelId;
    private final String heldout;
    private final double maxNfr;
    private final double maxRelative;
    private final Path reports;
    private final String broken;

    /**
     * @param classifier the "classify" method
     * @param config     the gate's settings
     * @param props      for the configuration's PID (its name after '~')
     */
    @Activate
    public FlipGate(@Reference(target = "(" + Method.NAME_PROPERTY + "=classify)") Classifier classifier, GateConfig config,
            Map<String, Object> props) {
        this.classifier = classifier;
        String pid = String.valueOf(props.getOrDefault("service.pid", FACTORY_PID));
        this.name = pid.contains("~") ? pid.substring(pid.indexOf('~') + 1) : pid;
        this.modelId = config.model_id() == null ? "" : config.model_id().trim();
        this.heldout = config.heldout() == null ? "" : config.heldout().trim();
        this.maxNfr = config.max_nfr();
        this.maxRelative = config.max_relative_nfr();
        this.reports = Path.of(config.report_dir() == null || config.report_dir().isBlank() ? "out/gates" : config.report_dir());
        this.broken = problem();
    }

    private String problem() {
        if (modelId.isEmpty()) {
            return "its configuration names no model.id";
        }
        if (heldout.isEmpty()) {
            return "its configuration names no heldout set";
        }
        if (!(maxNfr >= 0 && maxNfr <= 1)) {
            return "max.nfr = " + maxNfr + " lies outside [0, 1]";
        }
        if (maxRelative > 1) {
            return "max.relative.nfr = " + maxRelative + " lies outside [0, 1]";
        }
        return null;
    }

    @Override
    public String name() {
        return name;
    }

    /** @return the id whose promotions this gate checks */
    String modelId() {
        return modelId;
    }

    /**
     * @param refused   whether the candidate is refused
     * @param reason    the one-line reason (refused) or summary (accepted)
     * @param metrics   the flip metrics (null when the check could not run)
     * @param report    the report written
     */
    record Verdict(boolean refused, String reason, FlipMetrics metrics, Path report) {
    }

    @Override
    public Optional<String> objection(StoredModel current, StoredModel candidate) {
        if (!candidate.handle().id().equals(modelId)) {
            return Optional.empty(); // another id's promotion (a gate without model.id checks none)
        }
        Verdict v = check(current, candidate);
        return v.refused() ? Optional.of(v.reason()) : Optional.empty();
    }

    /**
     * Runs both versions on the held-out set and writes the report; a dry run of a promotion.
     *
     * @throws IllegalArgumentException if the held-out set cannot be read or does not fit the models (named)
     */
    Verdict check(StoredModel current, StoredModel candidate) {
        if (broken != null) {
            return new Verdict(true, "gate " + name + " cannot check: " + broken, null, null);
        }
        LabelledSet set;
        try {
            set = LabelledFiles.read(Path.of(heldout));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("held-out set '" + heldout + "' of gate " + name + " cannot be read: "
                    + e.getMessage(), e);
        }
        Classification a = classifier.classify(current.directory(), set.features(), Progress.NONE);
        Classification b = classifier.classify(candidate.directory(), set.features(), Progress.NONE);
        int top = java.util.Arrays.stream(set.labels()).max().orElse(0);
        if (top >= a.scores().dim(1) || top >= b.scores().dim(1)) {
            throw new IllegalArgumentException("held-out set '" + heldout + "' has label " + top + ", beyond the "
                    + Math.min(a.scores().dim(1), b.scores().dim(1)) + " classes of " + current.handle() + " or "
                    + candidate.handle());
        }
        FlipMetrics f = FlipMetrics.of(set.labels(), a.predicted(), b.predicted());
        boolean overNfr = f.negativeFlipRate() > maxNfr;
        boolean overRelative = maxRelative >= 0 && f.relativeNegativeFlipRate() > maxRelative;
        Path dir = reports.resolve(candidate.handle().id() + "@" + candidate.handle().version());
        String reason = overNfr
                ? String.format(Locale.ROOT, "NFR %.3f > %.3f against %s on %d held-out samples; report %s",
                        f.negativeFlipRate(), maxNfr, current.handle(), set.size(), dir.resolve("report.json"))
                : overRelative
                        ? String.format(Locale.ROOT, "relative NFR %.3f > %.3f against %s on %d held-out samples; report %s",
                                f.relativeNegativeFlipRate(), maxRelative, current.handle(), set.size(),
                                dir.resolve("report.json"))
                        : String.format(Locale.ROOT, "NFR %.3f <= %.3f against %s on %d held-out samples; report %s",
                                f.negativeFlipRate(), maxNfr, current.handle(), set.size(), dir.resolve("report.json"));
        boolean refused = overNfr || overRelative;
        writeReport(dir, current, candidate, a, b, set, f, refused, reason);
        return new Verdict(refused, reason, f, dir.resolve("report.json"));
    }

    private void writeReport(Path dir, StoredModel current, StoredModel candidate, Classification a, Classification b,
            LabelledSet set, FlipMetrics f, boolean refused, String reason) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("gate", name);
        r.put("current", current.handle().toString());
        r.put("candidate", candidate.handle().toString());
        r.put("backend", a.backend());
        r.put("heldout", heldout);
        r.put("heldout_sha256", sha256(set));
        r.put("samples", set.size());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nfr", f.negativeFlipRate());
        m.put("relative_nfr", Double.isNaN(f.relativeNegativeFlipRate()) ? null : f.relativeNegativeFlipRate());
        m.put("nfi", Double.isNaN(f.negativeFlipImpact()) ? null : f.negativeFlipImpact());
        m.put("pfr", f.positiveFlipRate());
        m.put("error_current", f.referenceErrorRate());
        m.put("error_candidate", f.newErrorRate());
        r.put("metrics", m);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("max_nfr", maxNfr);
        t.put("max_relative_nfr", maxRelative >= 0 ? maxRelative : null);
        r.put("thresholds", t);
        r.put("verdict", refused ? "refused" : "accepted");
        r.put("reason", reason);
        r.put("flips", "flips.csv");
        try {
            ResultFolders.write(dir, staged -> {
                Json.write(staged.resolve("report.json"), r);
                List<List<?>> rows = new ArrayList<>();
                for (int i = 0; i < set.size(); i++) {
                    boolean oldRight = a.predicted()[i] == set.label(i);
                    boolean newRight = b.predicted()[i] == set.label(i);
                    if (oldRight != newRight) {
                        rows.add(List.of(i, set.label(i), a.predicted()[i], b.predicted()[i], oldRight ? "negative" : "positive"));
                    }
                }
                Csv.writeRows(staged.resolve("flips.csv"), List.of("index", "label", "current", "candidate", "flip"), rows);
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("gate " + name + " cannot write its report to " + dir + ": " + e.getMessage(),
                    e);
        }
    }

    /** The SHA-256 of the held-out set's features and labels, as the report names it. */
    static String sha256(LabelledSet set) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            // the values big-endian, in 64 KB pieces: no copy of the whole set (10,000 images are 31 MB)
            java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(1 << 16);
            java.nio.FloatBuffer src = set.features().asBuffer();
            while (src.hasRemaining()) {
                chunk.clear();
                java.nio.FloatBuffer piece = src.slice();
                int n = Math.min(chunk.capacity() / 4, piece.remaining());
                piece.limit(n);
                chunk.asFloatBuffer().put(piece);
                src.position(src.position() + n);
                d.update(chunk.array(), 0, 4 * n);
            }
            java.nio.ByteBuffer lab = java.nio.ByteBuffer.allocate(4 * set.size());
            lab.asIntBuffer().put(set.labels());
            d.update(lab.array());
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
