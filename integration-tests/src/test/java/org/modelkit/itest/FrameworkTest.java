package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.junit5.context.BundleContextExtension;

@ExtendWith(BundleContextExtension.class)
class FrameworkTest {
    @InjectBundleContext
    BundleContext context;

    @Test
    void everyBundleResolvesAndIsActive() {
        List<String> notActive = Arrays.stream(context.getBundles())
                .filter(b -> (b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) == 0)
                .filter(b -> b.getState() != Bundle.ACTIVE && !lazyAndWaiting(b))
                .map(b -> b.getSymbolicName() + " (state " + b.getState() + ")").toList();
        assertEquals(List.of(), notActive, "bundles not ACTIVE");
        for (String bsn : List.of("org.modelkit.api", "org.modelkit.io", "org.modelkit.shell", "org.modelkit.lib.ejml",
                "org.modelkit.embedder.betweenness", "org.modelkit.lib.onnxruntime", "org.modelkit.lib.djl", "org.modelkit.compute.api", "org.modelkit.compute.onnx", "org.modelkit.compute.pytorch", "org.modelkit.nn")) {
            assertTrue(Arrays.stream(context.getBundles()).anyMatch(b -> bsn.equals(b.getSymbolicName())), bsn + " installed");
        }
    }

    /** A bundle with lazy activation (JNA) correctly waits in STARTING until a class is loaded from it. */
    private static boolean lazyAndWaiting(Bundle b) {
        String policy = b.getHeaders().get(org.osgi.framework.Constants.BUNDLE_ACTIVATIONPOLICY);
        return b.getState() == Bundle.STARTING && policy != null && policy.startsWith("lazy");
    }

    @Test
    void apiExportsEveryMethodPackageWithAVersion() {
        Bundle api = Arrays.stream(context.getBundles()).filter(b -> "org.modelkit.api".equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
        Map<String, Version> exports = new TreeMap<>();
        for (BundleCapability c : api.adapt(BundleWiring.class).getCapabilities("osgi.wiring.package")) {
            exports.put((String) c.getAttributes().get("osgi.wiring.package"), (Version) c.getAttributes().get("version"));
        }
        for (String p : List.of("data", "progress", "method", "model", "forget", "information", "trainingtime",
                "congruent", "embed", "segment", "perturb", "translate")) {
            Version v = exports.get("org.modelkit.api." + p);
            assertNotNull(v, "org.modelkit.api." + p + " exported; exports are " + exports.keySet());
            // 1.x: a package grows by minor versions (data is 1.1.0 since Graph.labelNames); 2.0 would break users
            assertEquals(1, v.getMajor(), "version of org.modelkit.api." + p + " is " + v);
        }
    }

    @Test
    void noModelkitBundleExportsAnInternalPackageAndEveryExportHasAVersion() {
        List<Bundle> modelkit = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith("org.modelkit.")).toList();
        assertTrue(modelkit.size() >= 12, "Modelkit bundles in the framework: " + modelkit);
        for (Bundle b : modelkit) {
            BundleWiring w = b.adapt(BundleWiring.class);
            assertNotNull(w, b.getSymbolicName() + " is not resolved");
            for (BundleCapability c : w.getCapabilities("osgi.wiring.package")) {
                String pkg = (String) c.getAttributes().get("osgi.wiring.package");
                // (the wrapped libraries export their own packages as they are, ai.djl.ndarray.internal among them)
                if (pkg.startsWith("org.modelkit.")) {
                    assertTrue(!pkg.contains(".internal"), b.getSymbolicName() + " exports " + pkg);
                    Version v = (Version) c.getAttributes().get("version");
                    assertTrue(v != null && !v.equals(Version.emptyVersion), b.getSymbolicName() + " exports " + pkg
                            + " without a version");
                }
            }
        }
    }
}
