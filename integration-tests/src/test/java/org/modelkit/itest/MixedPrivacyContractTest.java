package org.modelkit.itest;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.forget.Forgetter;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.progress.Progress;
import org.modelkit.io.LabelledFiles;
import org.modelkit.testkit.ForgetterContract;
import org.osgi.framework.ServiceReference;

/**
 * The mixed-privacy forgetter against the conformance kit: a forgettable model trained from the committed digits core
 * MLP and its 400 user samples, 5 of them forgotten per run, the noise seeded through the forgetter's configuration.
 */
class MixedPrivacyContractTest extends ForgetterContract {
    static final ContractTests.Setup setup = new ContractTests.Setup();
    static ModelHandle model;
    static LabelledSet user;

    @BeforeAll
    static void up() throws Exception {
        setup.up();
        setup.configure("org.modelkit.forgetter.mixedprivacy", Map.of("noiseSeed", "7"));
        ModelStore store = setup.store();
        long storeId = (Long) ContractTests.context().getServiceReference(ModelStore.class).getProperty("service.id");
        // the forgetter holds the store by a static reference: wait for the one activated on the new store
        Await.until("the forgetter on the new store", () -> {
            try {
                for (ServiceReference<Forgetter> r : ContractTests.context().getServiceReferences(Forgetter.class,
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
        ModelHandle core = store.importModel(ContractTests.testdata("models/digits-mlp-core"), "digits-mlp-core").handle();
        user = LabelledFiles.read(ContractTests.testdata("forget/user.csv"));
        Forgetter f = Fixtures.method(ContractTests.context(), Forgetter.class, "mixed-privacy");
        model = f.train(core, user, "contract-mp", Progress.NONE).model();
    }

    @AfterAll
    static void down() throws Exception {
        setup.down();
    }

    @Override
    protected Forgetter method() throws InterruptedException {
        return Fixtures.method(ContractTests.context(), Forgetter.class, methodName());
    }

    @Override
    protected String methodName() {
        return "mixed-privacy";
    }

    @Override
    protected ModelHandle model() {
        return model;
    }

    @Override
    protected LabelledSet training() {
        return user;
    }

    @Override
    protected int[] forget() {
        return new int[] {3, 14, 15, 92, 65};
    }
}
