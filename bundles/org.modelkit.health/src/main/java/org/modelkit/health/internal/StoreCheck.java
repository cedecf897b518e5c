package org.modelkit.health.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.modelkit.api.model.ModelStore;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** The model store, when one is installed: its root is a directory this process can create a file in. */
@Component(service = HealthCheck.class, property = {HealthCheck.NAME + "=store",
    HealthCheck.TAGS + "=" + Checks.TAG, HealthCheck.TAGS + "=store"})
public class StoreCheck implements HealthCheck {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelStore store;

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        ModelStore s = store;
        if (s == null) {
            log.info("no model store is installed");
            return new Result(log);
        }
        Path root = s.root();
        if (!Files.isDirectory(root)) {
            log.critical("the store's root {} is not a directory", root);
            return new Result(log);
        }
        try {
            Path probe = Files.createTempFile(root, ".health-", ".tmp");
            Files.delete(probe);
            log.info("root {} is writable ({} models)", root, s.list().size());
        } catch (IOException | RuntimeException e) {
            log.critical("the store's root {} is not writable: {}", root, e.toString());
        }
        return new Result(log);
    }
}
