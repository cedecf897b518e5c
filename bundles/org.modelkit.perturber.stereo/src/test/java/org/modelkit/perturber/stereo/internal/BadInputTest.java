package org.modelkit.perturber.stereo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.Disparity;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.StereoPair;
import org.modelkit.api.perturb.AttackSpec;
import org.modelkit.compute.pytorch.LocalBackends;

/** Bad input gets one line naming the input and the problem, and nothing is written or changed. */
class BadInputTest {
    @TempDir
    static Path dir;
    static Path model;
    static StereoPerturber perturber;
    static StereoPair pair;
    static Disparity gt;

    @BeforeAll
    static void setUp() throws IOException {
        model = dir.resolve("a");
        StereoModel.initial(StereoSpec.of("A", 1, 8), 1).save(model);
        perturber = new StereoPerturber("1.0.0", new Config());
        perturber.bind(LocalBackends.pytorchCpu("test"));
        StereoBatch b = RandomDot.generate(1, 1);
        pair = b.pair(0);
        gt = b.truth(0);
    }

    static String refused(Class<? extends Exception> type, org.junit.jupiter.api.function.Executable call) {
        String m = assertThrows(type, call).getMessage();
        assertTrue(m != null && !m.isBlank() && !m.contains("\n"), "not one line: " + m);
        return m;
    }

    @Test
    void aPairThatDoesNotFitIsNamed() {
        Frame small = new Frame(10, 5, 1, new float[50]);
        assertTrue(refused(IllegalArgumentException.class, () -> new StereoPair(pair.left(), small)).contains("same width"));
        Frame rgb = new Frame(48, 24, 3, new float[48 * 24 * 3]);
        assertTrue(refused(IllegalArgumentException.class, () -> perturber.perturb(new StereoPair(rgb, rgb), gt, model,
                AttackSpec.of("fgsm", 0.02), null)).contains("grey"));
    }

    @Test
    void badGroundTruthIsNamed() {
        Disparity other = Disparity.fromRaw(10, 5, new float[50]);
        assertTrue(refused(IllegalArgumentException.class, () -> perturber.perturb(pair, other, model,
                AttackSpec.of("fgsm", 0.02), null)).contains("10x5"));
        float[] none = new float[48 * 24];
        java.util.Arrays.fill(none, Float.POSITIVE_INFINITY);
        assertTrue(refused(IllegalArgumentException.class, () -> perturber.perturb(pair, Disparity.fromRaw(48, 24, none),
                model, AttackSpec.of("fgsm", 0.02), null)).contains("no valid pixel"));
        float[] negative = new float[48 * 24];
        negative[3] = -1;
        assertTrue(refused(IllegalArgumentException.class, () -> Disparity.fromRaw(48, 24, negative)).contains("-1"));
    }

    @Test
    void settingsOutOfRangeAreNamed() {
        assertTrue(refused(IllegalArgumentException.class, () -> AttackSpec.of("fgsm", 0)).contains("epsilon"));
        assertTrue(refused(IllegalArgumentException.class, () -> AttackSpec.of("fgsm", 1.5)).contains("epsilon"));
        assertTrue(refused(IllegalArgumentException.class, () -> new AttackSpec("ifgsm", 0.02, 0, 1e-3, 0.5,
                AttackSpec.Target.BOTH, 0, 1)).contains("steps"));
        assertTrue(refused(IllegalArgumentException.class, () -> new AttackSpec("ifgsm", 0.02, 5, 0, 0.5,
                AttackSpec.Target.BOTH, 0, 1)).contains("alpha"));
        assertTrue(refused(IllegalArgumentException.class, () -> new AttackSpec("ifgsm", 0.02, 5, 1e-3, 1,
                AttackSpec.Target.BOTH, 0, 1)).contains("momentum"));
        assertTrue(refused(IllegalArgumentException.class, () -> new AttackSpec("ifgsm", 0.02, 5, 1e-3, 0.5,
                AttackSpec.Target.BOTH, 1.5, 1)).contains("diversity"));
        assertTrue(refused(IllegalArgumentException.class, () -> AttackSpec.Target.parse("top")).contains("both, left, right"));
        String m = refused(IllegalArgumentException.class, () -> perturber.perturb(pair, gt, model,
                AttackSpec.of("pgd", 0.02), null));
        assertTrue(m.contains("pgd") && m.contains("fgsm, ifgsm, mifgsm, uniform, gaussian"), m);
        Config c = new Config();
        c.mode = "up";
        assertThrows(IllegalArgumentException.class, () -> perturber.modified(c));
        assertEquals(AttackSpec.Target.BOTH, perturber.defaults().target(), "a refused configuration changed the settings");
    }

    @Test
    void badModelsAreNamed() throws IOException {
        assertTrue(refused(IllegalArgumentException.class, () -> perturber.disparity(pair, dir.resolve("missing")))
                .contains("does not exist"));
        Path other = Files.createDirectories(dir.resolve("classifier"));
        Files.writeString(other.resolve("model.json"), "{\"architecture\": \"mlp\", \"classes\": 10}");
        assertTrue(refused(IllegalArgumentException.class, () -> perturber.disparity(pair, other))
                .contains("not a stereopagnosia model"));
        Path cut = Files.createDirectories(dir.resolve("cut"));
        Files.copy(model.resolve(StereoModel.SPEC), cut.resolve(StereoModel.SPEC));
        Files.write(cut.resolve(StereoModel.WEIGHTS), new byte[100]);
        assertTrue(refused(UncheckedIOException.class, () -> perturber.disparity(pair, cut)).contains("100 bytes"));
    }

    @Test
    void trainingOntoAFileWritesNothing() throws IOException {
        Path taken = Files.writeString(dir.resolve("taken.txt"), "mine");
        assertTrue(refused(IllegalArgumentException.class, () -> perturber.train(StereoSpec.of("A", 1, 8),
                s -> RandomDot.generate(8, s), new StereoTraining.Options(2, 1e-3, 0), 1, taken, null))
                .contains("not a directory"));
        assertEquals("mine", Files.readString(taken));
        assertEquals(List.of(), Files.list(dir).filter(p -> p.getFileName().toString().startsWith(".")).toList(),
                "a staging folder was left behind");
    }
}
