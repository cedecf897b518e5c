package org.modelkit.itest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Modelkit's own methods against the conformance kit (org.modelkit.testkit), as a third-party bundle's tests would. */
final class ContractTests {
    private ContractTests() {
    }

    static BundleContext context() {
        return FrameworkUtil.getBundle(ContractTests.class).getBundleContext();
    }

    static Path testdata(String relative) {
        return Path.of(context().getProperty("modelkit.testdata"), relative);
    }

    /** The PyTorch CPU backend, configured for each test of a method that needs one, deleted after it. */
    static final class Backend {
        private final List<Configuration> created = new ArrayList<>();

        void up() throws Exception {
            var ref = context().getServiceReference(ConfigurationAdmin.class);
            try {
                created.add(Fixtures.pytorchCpu(context().getService(ref)));
            } finally {
                context().ungetService(ref);
            }
        }

        void down() throws Exception {
            for (Configuration c : created) {
                c.delete();
            }
            created.clear();
        }
    }
}
