package com.example.structural.kit;

import org.modelkit.testkit.EmbedderContract;

/** The example passes Modelkit's conformance kit: every clause, on the karate club at 2 dimensions. */
class StructuralFeaturesContractTest extends EmbedderContract {
    @Override
    protected String methodName() {
        return "structural-features";
    }
}
