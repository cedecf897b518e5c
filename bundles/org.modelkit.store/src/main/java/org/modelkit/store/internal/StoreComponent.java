package org.modelkit.store.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.model.ModelWriter;
import org.modelkit.api.model.PromotionGate;
import org.modelkit.api.model.StoredModel;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@link ModelStore} service: a {@link FileModelStore} on the configured root, asking every
 * registered {@link PromotionGate} at each promotion. A configuration change re-activates it on the new
 * settings (callers look the service up per call).
 */
@Component(service = ModelStore.class, configurationPid = StoreComponent.PID, immediate = true)
@Designate(ocd = StoreConfig.class)
public class StoreComponent implements ModelStore {
    /** The configuration PID. */
    public static final String PID = "org.modelkit.store";

    private final List<PromotionGate> gates = new CopyOnWriteArrayList<>();
    private final FileModelStore store;

    /**
     * @param context for modelkit.home
     * @param config  root, verify, pins
     * @throws IOException if the root cannot be created or read
     */
    @Activate
    public StoreComponent(BundleContext context, StoreConfig config) throws IOException {
        if (!config.verify().equals("always") && !config.verify().equals("never")) {
            throw new IllegalArgumentException(PID + ": verify = '" + config.verify() + "' is not always or never");
        }
        this.store = FileModelStore.open(root(config.root(), context.getProperty("modelkit.home")),
                new FileModelStore.Settings(config.verify().equals("always"),
                        FileModelStore.Settings.parsePins(config.pins())), () -> List.copyOf(gates),
                FileModelStore.Hook.NONE);
    }

    static Path root(String configured, String home) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return home == null || home.isBlank() ? Path.of("models") : Path.of(home, "models");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindGate(PromotionGate g) {
        gates.add(g);
    }

    void unbindGate(PromotionGate g) {
        gates.remove(g);
    }

    @Override
    public Path root() {
        return store.root();
    }

    @Override
    public ModelHandle resolve(String reference) {
        return store.resolve(reference);
    }

    @Override
    public StoredModel open(ModelHandle handle) {
        return store.open(handle);
    }

    @Override
    public StoredModel describe(String reference) {
        return store.describe(reference);
    }

    @Override
    public StoredModel publish(String id, ModelHandle parent, String creator, Map<String, String> properties,
            ModelWriter writer) throws IOException {
        return store.publish(id, parent, creator, properties, writer);
    }

    @Override
    public StoredModel importModel(Path source, String id) throws IOException {
        return store.importModel(source, id);
    }

    @Override
    public List<StoredModel> list() {
        return store.list();
    }

    @Override
    public List<StoredModel> versions(String id) {
        return store.versions(id);
    }

    @Override
    public StoredModel promote(ModelHandle handle) {
        return store.promote(handle);
    }

    @Override
    public StoredModel remove(ModelHandle handle) {
        return store.remove(handle);
    }

    @Override
    public StoredModel restore(ModelHandle handle) {
        return store.restore(handle);
    }

    @Override
    public StoredModel purge(ModelHandle handle) throws IOException {
        return store.purge(handle);
    }
}
