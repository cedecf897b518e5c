package org.modelkit.itest;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.teach.Paradigm;
import org.modelkit.api.teach.StudentTeacherTrainer;
import org.modelkit.api.teach.TeachRequest;
import org.modelkit.io.Idx;
import org.modelkit.testkit.StudentTeacherTrainerContract;

/** Modelkit's Eman method against the conformance kit (org.modelkit.testkit), as a third-party bundle's test would be. */
class EmanContractTest extends StudentTeacherTrainerContract {
    /** one backend for the whole class: configuring one per test raced with the previous one's removal */
    static final ContractTests.Setup backend = new ContractTests.Setup();
    static LabelledSet labelled;
    static Tensor unlabelled;
    static LabelledSet test;

    @BeforeAll
    static void up() throws Exception {
        backend.up();
        if (labelled == null) {
            LabelledSet train = Idx.readLabelled(ContractTests.testdata("fashion-mnist/train-2000-images-idx3-ubyte.gz"),
                    ContractTests.testdata("fashion-mnist/train-2000-labels-idx1-ubyte.gz"), null);
            labelled = train.select(java.util.stream.IntStream.range(0, 50).toArray());
            unlabelled = train.select(java.util.stream.IntStream.range(50, 350).toArray()).features();
            test = Idx.readLabelled(ContractTests.testdata("fashion-mnist/t10k-1000-images-idx3-ubyte.gz"),
                    ContractTests.testdata("fashion-mnist/t10k-1000-labels-idx1-ubyte.gz"), null)
                    .select(java.util.stream.IntStream.range(0, 200).toArray());
        }
    }

    @AfterAll
    static void down() throws Exception {
        backend.down();
    }

    @Override
    protected StudentTeacherTrainer method() throws InterruptedException {
        return Fixtures.method(ContractTests.context(), StudentTeacherTrainer.class, methodName());
    }

    @Override
    protected String methodName() {
        return "eman";
    }

    @Override
    protected TeachRequest request(Path output) {
        return new TeachRequest(Paradigm.FIXMATCH, "eman", labelled, unlabelled, test, 1, 5, output);
    }
}
