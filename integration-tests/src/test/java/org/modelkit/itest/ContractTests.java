package org.modelkit.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.modelkit.api.model.ModelStore;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

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

    /**
     * What one contract class needs around its method, made in its {@code @BeforeAll} and undone in its
     * {@code @AfterAll}: the PyTorch CPU backend ({@link #up()}), and on request a model store on a folder of its own,
     * a method's configuration, a scratch folder and shell commands.
     */
    static final class Setup {
        private final List<Configuration> created = new ArrayList<>();
        private final List<Path> folders = new ArrayList<>();

        void up() throws Exception {
            created.add(Fixtures.pytorchCpu(configAdmin()));
        }

        /** @return the model store, on a new folder (its configuration deleted in {@link #down()}) */
        ModelStore store() throws Exception {
            Fixtures.StoreAt at = Fixtures.store(context(), configAdmin(), folder("contract-store-").resolve("models"));
            created.add(at.config());
            return at.store();
        }

        /**
         * Gives a method's singleton configuration these values (deleted in {@link #down()}) and waits until an active
         * component of that configuration PID holds them: ConfigAdmin delivers updates asynchronously, and a run on
         * the old values would break the determinism clause.
         */
        void configure(String pid, Map<String, Object> values) throws Exception {
            Configuration c = configAdmin().getConfiguration(pid, "?");
            c.update(new Hashtable<>(values));
            created.add(c);
            Await.until("the configuration " + values + " of " + pid + " in force", () -> applied(pid, values));
        }

        private static boolean applied(String pid, Map<String, Object> values) {
            var ref = context().getServiceReference(ServiceComponentRuntime.class);
            ServiceComponentRuntime scr = context().getService(ref);
            try {
                for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                    if (!List.of(d.configurationPid).contains(pid)) {
                        continue;
                    }
                    for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                        if (c.state == ComponentConfigurationDTO.ACTIVE && values.entrySet().stream().allMatch(
                                e -> String.valueOf(e.getValue()).equals(String.valueOf(c.properties.get(e.getKey()))))) {
                            return true;
                        }
                    }
                }
                return false;
            } finally {
                context().ungetService(ref);
            }
        }

        /** @return a new folder, deleted with its contents in {@link #down()} */
        Path folder(String prefix) throws IOException {
            Path p = Files.createTempDirectory(prefix);
            folders.add(p);
            return p;
        }

        /** @return what a shell command returned */
        Object shell(String command) throws Exception {
            var ref = context().getServiceReference(CommandProcessor.class);
            try (CommandSession session = Fixtures.session(context().getService(ref))) {
                return session.execute(command);
            } finally {
                context().ungetService(ref);
            }
        }

        void down() throws Exception {
            for (Configuration c : created) {
                try {
                    c.delete();
                } catch (IllegalStateException e) {
                    // deleted already
                }
            }
            created.clear();
            for (Path dir : folders) {
                try (Stream<Path> all = Files.walk(dir)) {
                    all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            folders.clear();
        }

        private static ConfigurationAdmin configAdmin() {
            var ref = context().getServiceReference(ConfigurationAdmin.class);
            return context().getService(ref);
        }
    }
}
