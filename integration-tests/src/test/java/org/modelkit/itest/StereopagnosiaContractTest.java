package org.modelkit.itest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modelkit.api.data.Disparity;
import org.modelkit.api.data.StereoPair;
import org.modelkit.api.perturb.Perturber;
import org.modelkit.io.Images;
import org.modelkit.io.Pfm;
import org.modelkit.testkit.PerturberContract;

/**
 * The stereo perturber against the conformance kit: FGSM at ε = 0.02 on the quarter-size Middlebury Motorcycle pair
 * (made grey, as net A takes) with its ground truth, against the committed net A.
 */
class StereopagnosiaContractTest extends PerturberContract {
    static final ContractTests.Setup backend = new ContractTests.Setup();
    static StereoPair pair;
    static Disparity truth;

    @BeforeAll
    static void up() throws Exception {
        backend.up();
        pair = new StereoPair(Images.read(ContractTests.testdata("stereo/motorcycle-left-quarter.png")).toGrey(),
                Images.read(ContractTests.testdata("stereo/motorcycle-right-quarter.png")).toGrey());
        try {
            truth = Pfm.read(ContractTests.testdata("stereo/motorcycle-disp-quarter.pfm"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void down() throws Exception {
        backend.down();
    }

    @Override
    protected Perturber method() throws InterruptedException {
        return Fixtures.method(ContractTests.context(), Perturber.class, methodName());
    }

    @Override
    protected String methodName() {
        return "stereopagnosia";
    }

    @Override
    protected StereoPair pair() {
        return pair;
    }

    @Override
    protected Disparity groundTruth() {
        return truth;
    }

    @Override
    protected Path model() {
        return ContractTests.testdata("models/stereo-a");
    }
}
