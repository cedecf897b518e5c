package org.modelkit.itest;

import org.modelkit.testkit.EmbedderContract;

/** Modelkit's Wks method against the conformance kit (org.modelkit.testkit), as a third-party bundle's test would be. */
class WksContractTest extends EmbedderContract {
    @Override
    protected String methodName() {
        return "wks";
    }
}
