package org.modelkit.segmenter.motion.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;
import org.modelkit.api.method.Capability;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.segment.BootstrapRequest;
import org.modelkit.api.segment.BootstrapResult;
import org.modelkit.api.segment.ImageSegmenter;
import org.modelkit.api.segment.Segmentation;
import org.modelkit.api.segment.Segmenter;
import org.modelkit.api.segment.SegmenterTrainer;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.api.TensorMethod;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * The method "dystab": DyStaB's static model segments single images ({@link ImageSegmenter}; as a
 * {@link Segmenter}, each frame on its own, motion unused), loaded from the configured model directory; and its
 * bootstrap from motion ({@link SegmenterTrainer}, {@link Bootstrap}) with the configuration's dynamic step.
 */
@Component(service = {ImageSegmenter.class, Segmenter.class, SegmenterTrainer.class, Method.class},
        configurationPid = MotionSegmenter.PID, immediate = true, property = Method.NAME_PROPERTY + "=" + DystabSegmenter.METHOD)
public class DystabSegmenter extends TensorMethod implements ImageSegmenter, Segmenter, SegmenterTrainer {
    /** The method's name. */
    public static final String METHOD = StaticNet.METHOD;

    /**
     * The checked settings.
     *
     * @param model     the static model's directory, or null
     * @param dynamic   the dynamic step's settings
     * @param bootstrap the training's other settings
     * @param rounds    the default rounds
     * @param epochs    the default epochs
     */
    record Settings(Path model, MotionSegmenter.Settings dynamic, Bootstrap.Settings bootstrap, int rounds, int epochs) {
        Settings {
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds = " + rounds + " must be at least 1");
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs = " + epochs + " must be at least 1");
            }
        }
    }

    /** A loaded model and what it was loaded from. */
    private record Loaded(Path dir, FileTime modified, TensorBackend backend, StaticNet net) {
    }

    private volatile Settings settings;
    private Loaded loaded;

    /**
     * @param context for the bundle's version
     * @param config  the settings
     */
    @Activate
    public DystabSegmenter(BundleContext context, SegmentConfig config) {
        this(context.getBundle().getVersion().toString(), settings(config));
    }

    DystabSegmenter(String version, Settings settings) {
        super(new MethodDescriptor(METHOD, "DyStaB's static model: the primary object of a single image, bootstrapped"
                + " from motion segmentation (cis)", "arXiv:2008.07012", version, Set.of(Capability.AUTOGRAD)));
        this.settings = settings;
    }

    /** Binds a backend outside a framework (unit tests). */
    void bind(TensorBackend b) {
        bindBackend(b);
    }

    /** A new configuration: checked first, so a bad one leaves the previous settings in force. */
    @Modified
    void modified(SegmentConfig c) {
        settings = settings(c);
    }

    /** @throws IllegalArgumentException naming the setting out of range */
    static Settings settings(SegmentConfig c) {
        return new Settings(c.model().isBlank() ? null : Path.of(c.model()), MotionSegmenter.settings(c),
                new Bootstrap.Settings(c.lambda(), c.motion()), c.rounds(), c.epochs());
    }

    Settings settings() {
        return settings;
    }

    @Deactivate
    synchronized void deactivate() {
        if (loaded != null) {
            loaded.net().close();
            loaded = null;
        }
    }

    /**
     * @param dir the model directory, or null for the configured one
     * @return the static net, loaded again when the directory, its model.json or the backend changed
     */
    private synchronized StaticNet net(Path dir) {
        Path d = dir != null ? dir : settings.model();
        if (d == null) {
            throw new IllegalArgumentException("no static model is configured: set 'model' of PID " + MotionSegmenter.PID
                    + " to a directory written by modelkit:segmenttrain");
        }
        TensorBackend b = backend();
        try {
            Path spec = d.resolve(StaticNet.SPEC);
            FileTime t = Files.isRegularFile(spec) ? Files.getLastModifiedTime(spec) : null;
            if (loaded != null && loaded.dir().equals(d) && loaded.backend() == b && t != null
                    && t.equals(loaded.modified())) {
                return loaded.net();
            }
            StaticNet net = StaticNet.load(d, b);
            if (loaded != null) {
                loaded.net().close();
            }
            loaded = new Loaded(d, t, b, net);
            return net;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the static model '" + d + "': " + e.getMessage(), e);
        }
    }

    @Override
    public Mask segment(Frame frame) {
        if (frame == null) {
            throw new IllegalArgumentException("frame must be given (null)");
        }
        return images(List.of(frame), null).get(0);
    }

    /**
     * @param frames single images of the model's size
     * @param dir    the model directory, or null for the configured one
     * @return a mask per image
     * @throws IllegalArgumentException naming the frame and the model if the sizes differ
     */
    synchronized List<Mask> images(List<Frame> frames, Path dir) {
        if (frames == null || frames.isEmpty()) {
            throw new IllegalArgumentException("no frame to segment");
        }
        StaticNet net = net(dir);
        List<float[]> grey = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            if (f.width() != net.width() || f.height() != net.height()) {
                throw new IllegalArgumentException("frame " + i + " is " + f.width() + "x" + f.height() + " but the static"
                        + " model '" + loaded.dir() + "' was trained on " + net.width() + "x" + net.height() + " frames");
            }
            grey.add((f.channels() == 1 ? f : f.toGrey()).toArray());
        }
        boolean[][] in = net.segment(grey);
        List<Mask> out = new ArrayList<>();
        for (boolean[] m : in) {
            out.add(new Mask(net.width(), net.height(), m));
        }
        return out;
    }

    /** Each frame on its own: one frame is enough, motion is not used. */
    @Override
    public Segmentation segment(List<Frame> frames, Progress progress) {
        return segment(frames, null, progress);
    }

    /**
     * @param model the model directory, or null for the configured one
     * @return each frame's mask, in batches of 16 with progress
     */
    Segmentation segment(List<Frame> frames, Path model, Progress progress) {
        long t0 = System.nanoTime();
        List<Mask> masks = new ArrayList<>();
        for (int s = 0; s < frames.size(); s += 16) {
            progress.checkCancelled();
            masks.addAll(images(frames.subList(s, Math.min(frames.size(), s + 16)), model));
            progress.report("frames", Math.min(frames.size(), s + 16), frames.size());
        }
        Map<String, Double> d = new LinkedHashMap<>();
        double area = 0;
        for (Mask m : masks) {
            area += (double) m.area() / (m.width() * m.height()) / masks.size();
        }
        d.put("mask.area", area);
        d.put("seconds", (System.nanoTime() - t0) / 1e9);
        return new Segmentation(masks, d);
    }

    @Override
    public BootstrapResult train(BootstrapRequest request, Progress progress) {
        return bootstrap(request, progress).result();
    }

    /** The same, with the masks of the last round (the tests and the command read them). */
    Bootstrap.Outcome bootstrap(BootstrapRequest request, Progress progress) {
        if (request == null) {
            throw new IllegalArgumentException("request must be given (null)");
        }
        Settings s = settings;
        return Bootstrap.train(request, s.dynamic(), s.bootstrap(), backend(), progress);
    }
}
