package org.modelkit.distiller.focal.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.modelkit.api.congruent.CongruentRequest;
import org.modelkit.api.congruent.Loss;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.LabelledFiles;
import org.modelkit.nn.ModelSpec;

/** Bad input is refused with one line naming the input and the problem. */
class BadInputTest {
    static TensorBackend backend;
    static NDManager manager;

    @BeforeAll
    static void open() {
        backend = LocalBackends.pytorchCpu("test");
        manager = backend.newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static void refused(String part, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void badReferencesAndSettingsAreRefused() throws Exception {
        Path fashionMlp = FashionFlipsTest.testdata("models/fashion-mlp-old");
        LabelledSet digits = LabelledFiles.read(FashionFlipsTest.testdata("forecast/finetune.csv"));
        refused("takes inputs of shape [28, 28], not the samples' [8, 8]",
                () -> References.of(List.of(fashionMlp), digits.features(), false, manager));
        refused("has 5 classes, the first member 10", () -> References.of(List.of(
                FashionFlipsTest.testdata("models/digits-mlp-core"), FashionFlipsTest.testdata("models/digits04-mlp")),
                digits.features(), false, manager));
        assertTrue(References.looksLikeProbabilities(new float[] {0.2f, 0.8f, 1f, 0f}, 2));
        assertFalse(References.looksLikeProbabilities(new float[] {0.2f, 0.8f, 2f, -1f}, 2), "logits summing to 1 are not");
        refused("T = 0.0 must be finite and > 0", () -> new FocalLoss.Settings(Loss.FD_KL, 1, 5, 0));
        refused("α = -1.0", () -> new FocalLoss.Settings(Loss.FD_KL, -1, 5, 100));
        refused("β = -2.0", () -> new FocalLoss.Settings(Loss.FD_KL, 1, -2, 100));
        refused("loss 'fd' is not one of ce, naive, kd, fd-kl, fd-lm", () -> Loss.of("fd"));
        refused("the training set is empty", () -> new CongruentRequest(List.of(fashionMlp), null, digits.select(new int[0]),
                null, Loss.CE, 1, 5, 100, 1, 1, Path.of("x")));
        refused("network 'cnn:3'", () -> NetSpec.parse("cnn:3", 10, new int[] {28, 28}, null));
        refused("network 'mlp:a,b'", () -> NetSpec.parse("mlp:a,b", 10, new int[] {28, 28}, null));
        ModelSpec s = NetSpec.parse("small-cnn/leaky_relu", 10, new int[] {28, 28}, null);
        assertTrue(s.accepts(new int[] {28, 28}) && s.nonlinearity().equals("leaky_relu"), s.toString());
    }
}
