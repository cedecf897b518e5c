package org.modelkit.itest;

import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modelkit.api.congruent.CongruentTrainer;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.io.LabelledFiles;
import org.modelkit.testkit.CongruentTrainerContract;

/**
 * Focal distillation against the conformance kit: the committed old Fashion-MNIST MLP, stored, as the reference; a new
 * model of its architecture trained on 500 committed training images for 2 epochs, its flips measured on 300 test
 * images.
 */
class FocalDistillationContractTest extends CongruentTrainerContract {
    static final ContractTests.Setup setup = new ContractTests.Setup();
    static ModelHandle reference;
    static LabelledSet training;
    static LabelledSet evaluation;

    @BeforeAll
    static void up() throws Exception {
        setup.up();
        setup.configure("org.modelkit.distiller.focal", java.util.Map.of("epochs", 2));
        reference = setup.store().importModel(ContractTests.testdata("models/fashion-mlp-old"), "fashion-mlp-old").handle();
        training = LabelledFiles.read(ContractTests.testdata("fashion-mnist/train-2000-images-idx3-ubyte.gz"))
                .select(IntStream.range(0, 500).toArray());
        evaluation = LabelledFiles.read(ContractTests.testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz"))
                .select(IntStream.range(0, 300).toArray());
    }

    @AfterAll
    static void down() throws Exception {
        setup.down();
    }

    @Override
    protected CongruentTrainer method() throws InterruptedException {
        return Fixtures.method(ContractTests.context(), CongruentTrainer.class, methodName());
    }

    @Override
    protected String methodName() {
        return "focal-distillation";
    }

    @Override
    protected ModelHandle referenceModel() {
        return reference;
    }

    @Override
    protected LabelledSet training() {
        return training;
    }

    @Override
    protected LabelledSet evaluation() {
        return evaluation;
    }
}
