package org.modelkit.itest;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modelkit.api.classify.Classifier;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.io.Idx;
import org.modelkit.testkit.ClassifierContract;

/** Modelkit's Classify method against the conformance kit (org.modelkit.testkit), as a third-party bundle's test would be. */
class ClassifyContractTest extends ClassifierContract {
    /** one backend for the whole class: configuring one per test raced with the previous one's removal */
    static final ContractTests.Setup backend = new ContractTests.Setup();
    static Tensor features;

    @BeforeAll
    static void up() throws Exception {
        backend.up();
    }

    @AfterAll
    static void down() throws Exception {
        backend.down();
    }

    @Override
    protected Classifier method() throws InterruptedException {
        return Fixtures.method(ContractTests.context(), Classifier.class, methodName());
    }

    @Override
    protected String methodName() {
        return "classify";
    }

    @Override
    protected Path model() {
        return ContractTests.testdata("models/fashion-cnn-leaky");
    }

    @Override
    protected Tensor features() {
        if (features == null) {
            try {
                LabelledSet test = Idx.readLabelled(ContractTests.testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz"),
                        ContractTests.testdata("fashion-mnist/t10k-1000-labels-idx1-ubyte.gz"), null);
                features = test.features().select(java.util.stream.IntStream.range(0, 200).toArray());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return features;
    }
}
