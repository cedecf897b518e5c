package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.teach.Paradigm;
import org.modelkit.api.teach.StudentTeacherTrainer;
import org.modelkit.api.teach.TeachRequest;
import org.modelkit.api.teach.TeachResult;
import org.modelkit.compute.api.normalizer.Normalizer;
import org.modelkit.io.Idx;
import org.modelkit.shell.format.Summary;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** The EMAN bundle inside Felix: its normalizers, a short FixMatch-EMAN job through the service and the shell. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class EmanInFrameworkTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30000)
    CommandProcessor processor;

    @InjectService(timeout = 30000)
    ConfigurationAdmin configAdmin;

    /** Looked up once a backend exists: its backend reference is mandatory. */
    StudentTeacherTrainer teacher;

    Configuration backend;

    @InjectService(timeout = 30000, cardinality = 2)
    ServiceAware<Normalizer> normalizers;

    @TempDir
    Path tmp;

    CommandSession session;

    @BeforeEach
    void open() throws Exception {
        backend = Fixtures.pytorchCpu(configAdmin);
        teacher = Fixtures.method(context, StudentTeacherTrainer.class, "eman");
        session = Fixtures.session(processor);
    }

    @AfterEach
    void close() throws Exception {
        if (session != null) { // a failed set-up must not cascade into NullPointerExceptions
            session.close();
        }
        if (backend != null) {
            backend.delete();
        }
    }

    private Path testdata(String relative) {
        return Path.of(context.getProperty("modelkit.testdata"), relative);
    }

    @Test
    void bothNormalizersAreServicesSelectableByName() {
        List<String> names = normalizers.getServices().stream().map(Normalizer::name).sorted().toList();
        assertEquals(List.of("bn", "eman"), names);
        assertEquals("arXiv:2101.08482", teacher.descriptor().reference());
    }

    @Test
    void shortFixMatchEmanJobThroughTheService() throws Exception {
        LabelledSet train = Idx.readLabelled(testdata("fashion-mnist/train-2000-images-idx3-ubyte.gz"),
                testdata("fashion-mnist/train-2000-labels-idx1-ubyte.gz"), null);
        LabelledSet test = Idx.readLabelled(testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz"),
                testdata("fashion-mnist/t10k-1000-labels-idx1-ubyte.gz"), null);
        int[] labelled = new int[100];
        int[] rest = new int[1900];
        for (int i = 0; i < 2000; i++) {
            if (i < 100) {
                labelled[i] = i;
            } else {
                rest[i - 100] = i;
            }
        }
        Path out = tmp.resolve("job");
        TeachResult r = teacher.teach(new TeachRequest(Paradigm.FIXMATCH, "eman", train.select(labelled),
                train.select(rest).features(), test, 3, 5, out), Progress.NONE);
        System.out.println("FixMatch-EMAN in Felix, 3 epochs: teacher " + java.util.Arrays.toString(r.teacherAccuracy())
                + ", student " + java.util.Arrays.toString(r.studentAccuracy()));
        assertEquals("pytorch-cpu", r.backend());
        assertEquals(36, r.steps());
        assertTrue(r.finalStudentAccuracy() > 0.3, "student accuracy " + r.finalStudentAccuracy());
        assertTrue(r.finalTeacherAccuracy() > 0.25, "teacher accuracy " + r.finalTeacherAccuracy());
        assertTrue(Files.size(out.resolve("teacher.params")) > 10_000);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> teacher.teach(new TeachRequest(
                Paradigm.FIXMATCH, "groupnorm", train.select(labelled), train.select(rest).features(), test, 1, 5,
                tmp.resolve("never")), Progress.NONE));
        assertTrue(e.getMessage().contains("'groupnorm'") && e.getMessage().contains("bn, eman"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("never")));
    }

    @Test
    void mocoWithBothTeachersThroughTheShell() throws Exception {
        // runs in a test thread, not the thread that initialised DJL, where PyTorch's grad mode is on: the
        // teacher update must not chain into the autograd graph (a second MoCo step then fails)
        Summary s = assertInstanceOf(Summary.class, session.execute("modelkit:teach -p moco -n eman,bn -e 2 -l 0.05 "
                + testdata("fashion-mnist/train-2000-images-idx3-ubyte.gz") + " "
                + testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz")));
        assertTrue(s.headline().contains("moco-eman") && s.headline().contains("moco-bn"), s.headline());
    }

    @Test
    void shortFixMatchEmanJobThroughTheShell() throws Exception {
        Path out = tmp.resolve("shell");
        Summary s = assertInstanceOf(Summary.class, session.execute("modelkit:teach -l 0.05 -e 2 -s 3 -o " + out + " "
                + testdata("fashion-mnist/train-2000-images-idx3-ubyte.gz") + " "
                + testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz")));
        assertTrue(s.headline().contains("fixmatch-eman"), s.headline());
        assertEquals(2, s.fields().get("teacher accuracy per epoch").split(" ").length);
        assertTrue(Files.size(out.resolve("accuracy.png")) > 1000);
        assertEquals(3, Files.readAllLines(out.resolve("history.csv")).size());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.execute(
                "modelkit:teach -l 0 " + testdata("fashion-mnist/train-2000-images-idx3-ubyte.gz") + " "
                        + testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz")));
        assertTrue(e.getMessage().contains("--labelled 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> session.execute("modelkit:teach -p byol "
                + testdata("fashion-mnist/train-2000-images-idx3-ubyte.gz") + " "
                + testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz")));
        assertTrue(e.getMessage().contains("'byol'"), e.getMessage());
    }
}
