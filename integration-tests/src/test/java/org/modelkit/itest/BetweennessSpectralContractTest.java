package org.modelkit.itest;

import org.modelkit.testkit.EmbedderContract;

/** Modelkit's BetweennessSpectral method against the conformance kit (org.modelkit.testkit), as a third-party bundle's test would be. */
class BetweennessSpectralContractTest extends EmbedderContract {
    @Override
    protected String methodName() {
        return "betweenness-spectral";
    }
}
