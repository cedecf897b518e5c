package org.modelkit.itest;

import org.modelkit.testkit.EmbedderContract;

/** Modelkit's LaplacianEigenmaps method against the conformance kit (org.modelkit.testkit), as a third-party bundle's test would be. */
class LaplacianEigenmapsContractTest extends EmbedderContract {
    @Override
    protected String methodName() {
        return "laplacian-eigenmaps";
    }
}
