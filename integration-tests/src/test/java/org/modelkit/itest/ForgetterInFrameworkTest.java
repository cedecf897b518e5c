package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.forget.Forgetter;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.model.StoredModel;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.TextTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The mixed-privacy forgetter inside Felix: the service on a PyTorch backend, the linearizer and the
 * store; train, forget a class and forget all through the shell; the old version opens by handle, the
 * new is current; the audit log verifies, and fails after one line is edited.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ForgetterInFrameworkTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30000)
    CommandProcessor processor;

    @InjectService(timeout = 30000)
    ConfigurationAdmin configAdmin;

    @TempDir
    Path tmp;

    Configuration storeConfig;
    Configuration backend;
    CommandSession session;
    ModelStore store;

    @BeforeEach
    void open() throws Exception {
        Fixtures.StoreAt at = Fixtures.store(context, configAdmin, tmp.resolve("models"));
        storeConfig = at.config();
        store = at.store();
        long storeId = (Long) context.getServiceReference(ModelStore.class).getProperty("service.id");
        backend = Fixtures.pytorchCpu(configAdmin);
        // the forgetter holds the store by a static reference: wait for the one activated on the new store
        Await.until("the forgetter on the new store", () -> {
            try {
                for (ServiceReference<Forgetter> r : context.getServiceReferences(Forgetter.class,
                        "(modelkit.method=mixed-privacy)")) {
                    if ((Long) r.getProperty("service.id") > storeId) {
                        return true;
                    }
                }
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            return false;
        });
        session = Fixtures.session(processor);
    }

    @AfterEach
    void close() throws Exception {
        if (session != null) {
            session.close();
        }
        if (backend != null) {
            backend.delete();
        }
        if (storeConfig != null) {
            storeConfig.delete();
        }
    }

    private String testdata(String relative) {
        return Path.of(context.getProperty("modelkit.testdata"), relative).toString();
    }

    @Test
    void trainForgetAClassAndVerifyTheAuditLogThroughTheShell() throws Exception {
        String user = testdata("forget/user.csv");
        String test = testdata("forget/test.csv");
        session.execute("modelkit:model import " + testdata("models/digits-mlp-core"));
        Summary trained = assertInstanceOf(Summary.class, session.execute("modelkit:forgettable --test " + test
                + " digits-mlp-core " + user));
        System.out.println("forgettable: " + trained.headline());
        assertTrue(trained.headline().startsWith("digits-mlp-core-mp@1 from digits-mlp-core@1 and 400 user samples: test"
                + " accuracy core 0.948, mixed "), trained.headline());
        // the noise is a SecureRandom's here: the mixed model's accuracy varies a little, above the core's
        double mixed = Double.parseDouble(trained.headline().replaceAll(".*mixed (0\\.[0-9]+);.*", "$1"));
        assertTrue(mixed > 0.948, trained.headline());

        Summary forgot = assertInstanceOf(Summary.class, session.execute("modelkit:forget --class 3 --by in-framework --test "
                + test + " digits-mlp-core-mp " + user));
        System.out.println("forget: " + forgot.headline());
        assertTrue(forgot.headline().startsWith("digits-mlp-core-mp@1 -> digits-mlp-core-mp@2: forgot 40 samples, "),
                forgot.headline());
        assertTrue(forgot.headline().contains("forgotten 0.000"), forgot.headline());
        StoredModel current = store.describe("digits-mlp-core-mp");
        assertEquals("digits-mlp-core-mp@2", current.handle().toString());
        StoredModel old = store.open(new ModelHandle("digits-mlp-core-mp", "1"));
        assertFalse(old.current(), "the old version opens by handle and is not current");
        assertEquals(old.handle(), current.parent());

        IllegalArgumentException again = assertThrows(IllegalArgumentException.class, () -> session.execute(
                "modelkit:forget --class 3 digits-mlp-core-mp " + user));
        assertTrue(again.getMessage().contains("was already forgotten"), again.getMessage());

        // through the service, as a third-party caller would
        Forgetter service = Fixtures.method(context, Forgetter.class, "mixed-privacy");
        org.modelkit.api.data.LabelledSet users = org.modelkit.io.LabelledFiles.read(Path.of(user));
        org.modelkit.api.forget.ForgetResult viaService = service.forget(org.modelkit.api.forget.ForgetRequest.of(
                current.handle(), users, new int[] {0, 1}).by("a service caller"), null);
        assertEquals("digits-mlp-core-mp@3", viaService.model().toString());
        assertTrue(viaService.remainingInformationNats() >= 0 && viaService.metrics().get("cg iterations") > 0);
        assertEquals(viaService.model(), store.resolve("digits-mlp-core-mp"));

        Summary ok = assertInstanceOf(Summary.class, session.execute("modelkit:forgetlog --verify digits-mlp-core-mp"));
        assertTrue(ok.headline().startsWith("digits-mlp-core-mp: 8 lines, every one chained"), ok.headline());
        TextTable lines = assertInstanceOf(TextTable.class, session.execute("modelkit:forgetlog digits-mlp-core-mp"));
        assertEquals(List.of("received", "done", "received", "done", "received", "refused"),
                lines.rows().stream().map(r -> r.get(3)).toList().subList(0, 6));

        Path log = tmp.resolve("audit").resolve("digits-mlp-core-mp.jsonl");
        List<String> raw = new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
        raw.set(1, raw.get(1).replace("\"event\":\"done\"", "\"event\":\"DONE\""));
        Files.write(log, raw, StandardCharsets.UTF_8);
        IllegalStateException broken = assertThrows(IllegalStateException.class,
                () -> session.execute("modelkit:forgetlog --verify digits-mlp-core-mp"));
        assertTrue(broken.getMessage().contains("line 3 does not chain to line 2"), broken.getMessage());

        Summary all = assertInstanceOf(Summary.class, session.execute("modelkit:forget --all --purge digits-mlp-core-mp "
                + user));
        assertTrue(all.headline().startsWith("digits-mlp-core-mp@3 -> digits-mlp-core-mp@4: forgot 358 samples")
                && all.headline().contains("remaining information <= 0.00 nats"), all.headline());
        assertEquals(StoredModel.State.PURGED, store.describe("digits-mlp-core-mp@3").state());
    }
}
