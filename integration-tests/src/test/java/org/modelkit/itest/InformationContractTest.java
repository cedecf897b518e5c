package org.modelkit.itest;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.information.InformationEstimator;
import org.modelkit.api.information.InformationSettings;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.io.LabelledFiles;
import org.modelkit.testkit.InformationEstimatorContract;

/**
 * The unique-information estimator against the conformance kit: the committed initial 256-unit MLP (w0), stored, and
 * the committed 80 digits 4 and 9 as labels 0 and 1, 600 steps at rate 0.01, no projection.
 */
class InformationContractTest extends InformationEstimatorContract {
    static final ContractTests.Setup setup = new ContractTests.Setup();
    static ModelHandle model;
    static LabelledSet training;
    static Tensor validation;

    @BeforeAll
    static void up() throws Exception {
        setup.up();
        model = setup.store().importModel(ContractTests.testdata("models/digits-mlp256-init"), "digits-mlp256").handle();
        training = binary(LabelledFiles.read(ContractTests.testdata("information/digits49-train.csv")));
        validation = LabelledFiles.read(ContractTests.testdata("information/digits49-validation.csv")).features();
    }

    /** Digits 4 and 9 as labels 0 and 1 (what --classes 4,9 does in the command). */
    static LabelledSet binary(LabelledSet s) {
        return new LabelledSet(s.features(), Arrays.stream(s.labels()).map(y -> y == 9 ? 1 : 0).toArray(), List.of("4", "9"));
    }

    @AfterAll
    static void down() throws Exception {
        setup.down();
    }

    @Override
    protected InformationEstimator method() throws InterruptedException {
        return Fixtures.method(ContractTests.context(), InformationEstimator.class, methodName());
    }

    @Override
    protected String methodName() {
        return "unique-information";
    }

    @Override
    protected ModelHandle model() {
        return model;
    }

    @Override
    protected LabelledSet training() {
        return training;
    }

    @Override
    protected Tensor validation() {
        return validation;
    }

    @Override
    protected InformationSettings settings() {
        return new InformationSettings(0.01, 600, 0, 1, 1, 0, 1);
    }
}
