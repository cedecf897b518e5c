package com.example.structural.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.jupiter.engine.JupiterTestEngine;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.modelkit.testkit.EmbedderContract;

/** The kit fails the broken variant, and says which clause: it runs the contract on it and reads the failures. */
class BrokenVariantTest {
    static final String SELF_CHECK = "structural.kit.selfcheck";

    /** The contract on the broken variant: run only by {@link #theKitFailsTheBrokenVariantNamingTheClause()}. */
    @EnabledIfSystemProperty(named = SELF_CHECK, matches = "true")
    static class BrokenContract extends EmbedderContract {
        @Override
        protected String methodName() {
            return BrokenStructuralFeatures.NAME;
        }
    }

    @Test
    void theKitFailsTheBrokenVariantNamingTheClause() {
        List<String> failures = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        List<String> skipped = new ArrayList<>(); // the bundle-stop clause: the fixture lives in this test bundle
        // in OSGi the ServiceLoader look-up of engines sees no engine: register Jupiter's explicitly
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder().enableTestEngineAutoRegistration(false)
                .addTestEngines(new JupiterTestEngine()).build());
        System.setProperty(SELF_CHECK, "true");
        try {
            launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(BrokenContract.class)).build(),
                    new TestExecutionListener() {
                        @Override
                        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                            if (!id.isTest()) {
                                return;
                            }
                            if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                                passed.add(id.getDisplayName());
                            } else if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                                skipped.add(id.getDisplayName());
                            } else {
                                failures.add(id.getDisplayName() + ": " + result.getThrowable().map(Throwable::getMessage).orElse("?"));
                            }
                        }
                    });
        } finally {
            System.clearProperty(SELF_CHECK);
        }
        System.out.println("the kit on the broken variant: " + failures);
        assertEquals(1, failures.size(), "exactly one clause fails: " + failures + ", passed " + passed);
        assertTrue(failures.get(0).startsWith("badInputIsRefusedNamingTheArgument()")
                && failures.get(0).contains("contract clause 'bad-input': a null graph: threw java.lang.NullPointerException"),
                failures.get(0));
        assertEquals(5, passed.size(), "the other clauses pass: " + passed + ", skipped " + skipped);
        assertEquals(List.of("itsCommandsAreGoneWhenItsBundleStops()"), skipped);
    }
}
