package org.modelkit.itest;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.finetune.FineTuneRequest;
import org.modelkit.api.finetune.FineTuner;
import org.modelkit.api.finetune.Solver;
import org.modelkit.io.Idx;
import org.modelkit.testkit.FineTunerContract;

/** Modelkit's Lqf method against the conformance kit (org.modelkit.testkit), as a third-party bundle's test would be. */
class LqfContractTest extends FineTunerContract {
    /** one backend for the whole class: configuring one per test raced with the previous one's removal */
    static final ContractTests.Setup backend = new ContractTests.Setup();
    static LabelledSet train;
    static LabelledSet test;

    @BeforeAll
    static void up() throws Exception {
        backend.up();
        if (train == null) {
            LabelledSet all = Idx.readLabelled(ContractTests.testdata("mnist/train-1000-images-idx3-ubyte.gz"),
                    ContractTests.testdata("mnist/train-1000-labels-idx1-ubyte.gz"), null);
            train = all.select(java.util.stream.IntStream.range(0, 100).toArray());
            test = Idx.readLabelled(ContractTests.testdata("mnist/t10k-1000-images-idx3-ubyte.gz"),
                    ContractTests.testdata("mnist/t10k-1000-labels-idx1-ubyte.gz"), null)
                    .select(java.util.stream.IntStream.range(0, 200).toArray());
        }
    }

    @AfterAll
    static void down() throws Exception {
        backend.down();
    }

    @Override
    protected FineTuner method() throws InterruptedException {
        return Fixtures.method(ContractTests.context(), FineTuner.class, methodName());
    }

    @Override
    protected String methodName() {
        return "lqf";
    }

    @Override
    protected FineTuneRequest request(Path output) {
        return new FineTuneRequest(ContractTests.testdata("models/fashion-cnn-leaky"), train, test, Solver.KFAC, 3, 2, 1, output);
    }
}
