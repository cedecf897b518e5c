package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;
import org.modelkit.api.segment.ImageSegmenter;
import org.modelkit.io.Images;
import org.modelkit.shell.format.Summary;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The motion segmenter inside Felix: sprites written by the shell, DyStaB's static model trained with
 * modelkit:segmenttrain, then configured through ConfigAdmin and used as an ImageSegmenter on frames where nothing
 * moves, and modelkit:segment with -m cis and -m dystab.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class SegmenterInFrameworkTest {
    static final String PID = "org.modelkit.segmenter.motion";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30000)
    CommandProcessor processor;

    @InjectService(timeout = 30000)
    ConfigurationAdmin configAdmin;

    @TempDir
    Path tmp;

    Configuration backend;
    CommandSession session;

    @BeforeEach
    void open() throws Exception {
        backend = Fixtures.pytorchCpu(configAdmin);
        Fixtures.method(context, ImageSegmenter.class, "dystab");
        session = Fixtures.session(processor);
    }

    @AfterEach
    void close() throws Exception {
        if (session != null) {
            session.close();
        }
        Configuration c = configAdmin.getConfiguration(PID, "?");
        c.delete();
        if (backend != null) {
            backend.delete();
        }
    }

    @Test
    void aStaticModelTrainedFromMotionSegmentsFramesWhereNothingMoves() throws Exception {
        for (String s : List.of("a", "b")) {
            session.execute("modelkit:sprites -n 10 --size 32 -s " + (s.equals("a") ? 40 : 41) + " --still 3 -o " + tmp.resolve(s));
        }
        session.execute("modelkit:sprites -n 4 --size 32 -s 9 --still 4 -o " + tmp.resolve("still"));
        Path model = tmp.resolve("model");
        Summary t = assertInstanceOf(Summary.class, session.execute("modelkit:segmenttrain -r 1 -e 40 -o " + model + " "
                + tmp.resolve("a") + " " + tmp.resolve("b")));
        System.out.println("segmenttrain in Felix: " + t.headline() + " " + t.fields());
        assertTrue(t.headline().startsWith("static model trained on 2 sequences in 1 rounds"), t.headline());
        assertTrue(t.fields().get("round 1").startsWith("J dynamic "), t.fields().toString());
        assertTrue(Files.isRegularFile(model.resolve("model.json")) && Files.isRegularFile(model.resolve("weights.bin")));

        // the model configured through ConfigAdmin: the ImageSegmenter service segments single static frames
        Configuration c = configAdmin.getConfiguration(PID, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("model", model.toString());
        c.update(props);
        ImageSegmenter dystab = Fixtures.method(context, ImageSegmenter.class, "dystab");
        List<Frame> frames = Images.readFrames(tmp.resolve("still/frames"));
        List<Frame> truth = Images.readFrames(tmp.resolve("still/masks"));
        Await.until("the configured model in use", () -> {
            try {
                dystab.segment(frames.get(0));
                return true;
            } catch (IllegalArgumentException e) {
                return false; // the new configuration not applied yet
            }
        });
        double j = 0;
        for (int i = 0; i < frames.size(); i++) {
            Mask m = dystab.segment(frames.get(i));
            float[] g = truth.get(i).toArray();
            boolean[] in = new boolean[g.length];
            for (int k = 0; k < g.length; k++) {
                in[k] = g[k] > 0.5f;
            }
            j += m.jaccard(new Mask(32, 32, in)) / frames.size();
        }
        System.out.println("dystab in Felix on 4 static frames: mean J " + j);
        assertTrue(j >= 0.5, "mean J " + j);

        // the commands: -m dystab on single frames, -m cis from motion; a wrong-size frame is refused, nothing written
        Summary d = assertInstanceOf(Summary.class, session.execute("modelkit:segment -m dystab --gt " + tmp.resolve("still/masks")
                + " -o " + tmp.resolve("out-dystab") + " " + tmp.resolve("still/frames")));
        assertTrue(d.headline().startsWith("4 frames, each on its own: mean J "), d.headline());
        assertEquals(4, Files.list(tmp.resolve("out-dystab/overlay")).count());
        Summary cis = assertInstanceOf(Summary.class, session.execute("modelkit:segment -m cis --gt " + tmp.resolve("still/masks")
                + " -o " + tmp.resolve("out-cis") + " " + tmp.resolve("still/frames")));
        assertTrue(cis.headline().startsWith("4 frames: mean J "), cis.headline());
        session.execute("modelkit:sprites -n 2 --size 48 -o " + tmp.resolve("big"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.execute(
                "modelkit:segment -m dystab -o " + tmp.resolve("out-big") + " " + tmp.resolve("big/frames")));
        assertTrue(e.getMessage().contains("frame 0 is 48x48 but the static model"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out-big")));
        e = assertThrows(IllegalArgumentException.class, () -> session.execute("modelkit:segment --mode adversarial -o "
                + tmp.resolve("out-x") + " " + tmp.resolve("big/frames")));
        assertTrue(e.getMessage().contains("mode 'adversarial' is not one of fixed, learned"), e.getMessage());
    }
}
