package org.modelkit.itest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.trainingtime.TrainingPlan;
import org.modelkit.api.trainingtime.TrainingTimePredictor;
import org.modelkit.io.LabelledFiles;
import org.modelkit.testkit.TrainingTimePredictorContract;

/**
 * The training-time predictor against the conformance kit: the committed digits 0-4 MLP, stored, fine-tuned on the
 * committed digits 5-9 samples for 100 steps of batch 150 at rate 0.002 (a stable rate for its kept head).
 */
class TrainingTimeContractTest extends TrainingTimePredictorContract {
    static final ContractTests.Setup setup = new ContractTests.Setup();
    static ModelHandle model;
    static LabelledSet training;

    @BeforeAll
    static void up() throws Exception {
        setup.up();
        model = setup.store().importModel(ContractTests.testdata("models/digits04-mlp"), "digits04").handle();
        training = LabelledFiles.read(ContractTests.testdata("forecast/finetune.csv"));
    }

    @AfterAll
    static void down() throws Exception {
        setup.down();
    }

    @Override
    protected TrainingTimePredictor method() throws InterruptedException {
        return Fixtures.method(ContractTests.context(), TrainingTimePredictor.class, methodName());
    }

    @Override
    protected String methodName() {
        return "training-time";
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
    protected TrainingPlan plan() {
        return new TrainingPlan(100, 150, 0.002, 0, 0, 0.05);
    }
}
