package org.modelkit.itest;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modelkit.api.translate.StructuredTranslator;
import org.modelkit.testkit.StructuredTranslatorContract;

/** TANL against the conformance kit: the committed CoNLL04-like model, configured through ConfigAdmin, on one sentence. */
class TanlContractTest extends StructuredTranslatorContract {
    static final ContractTests.Setup setup = new ContractTests.Setup();

    @BeforeAll
    static void up() throws Exception {
        setup.up();
        setup.configure("org.modelkit.translator.tanl", Map.of("model", ContractTests.testdata("models/tanl-conll04").toString()));
    }

    @AfterAll
    static void down() throws Exception {
        setup.down();
    }

    @Override
    protected StructuredTranslator method() throws InterruptedException {
        return Fixtures.method(ContractTests.context(), StructuredTranslator.class, methodName());
    }

    @Override
    protected String methodName() {
        return "tanl";
    }

    @Override
    protected String task() {
        return "conll04";
    }

    @Override
    protected String sentence() {
        return "Tolkien was born in South Africa and worked for Oxford University .";
    }
}
