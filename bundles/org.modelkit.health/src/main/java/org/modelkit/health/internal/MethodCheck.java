package org.modelkit.health.internal;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.modelkit.api.method.Capability;
import org.modelkit.api.method.Method;
import org.modelkit.compute.api.ComputeBackend;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.dto.ServiceReferenceDTO;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;

/**
 * One method service: its descriptor can be read, and if it needs a compute backend, the backend Declarative Services
 * bound it to is available and has every capability it needs. The binding comes from DS's runtime view (the
 * component configuration whose id is the service's {@code component.id}), as {@code modelkit:backends} shows it.
 */
final class MethodCheck implements HealthCheck {
    private final BundleContext context;
    private final ServiceReference<Method> ref;
    private final ServiceComponentRuntime scr;

    MethodCheck(BundleContext context, ServiceReference<Method> ref, ServiceComponentRuntime scr) {
        this.context = context;
        this.ref = ref;
        this.scr = scr;
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        Method m = context.getService(ref);
        if (m == null) {
            log.temporarilyUnavailable("{} went away", ref.getProperty(Method.NAME_PROPERTY));
            return new Result(log);
        }
        try {
            Set<Capability> needs = m.descriptor().needs();
            String name = m.descriptor().name();
            if (needs.isEmpty()) {
                log.info("{} {} (pure Java, needs no backend)", name, m.descriptor().version());
                return new Result(log);
            }
            Map<String, Object> backend = boundBackend();
            if (backend == null) {
                log.warn("{} needs {} but DS shows no bound backend", name, needs);
                return new Result(log);
            }
            String id = String.valueOf(backend.get(ComputeBackend.ID));
            Set<String> has = new TreeSet<>(Checks.tags(backend.get(ComputeBackend.CAPABILITIES)));
            Set<String> missing = new TreeSet<>();
            needs.forEach(c -> {
                if (!has.contains(c.property())) {
                    missing.add(c.property());
                }
            });
            if (!Boolean.TRUE.equals(backend.get(ComputeBackend.AVAILABLE))) {
                log.critical("{} is bound to {}, which is unavailable: {}", name, id, backend.get(ComputeBackend.STATUS));
            } else if (!missing.isEmpty()) {
                log.critical("{} is bound to {}, which lacks {}", name, id, missing);
            } else {
                log.info("{} {} on {} ({}), which has {}", name, m.descriptor().version(), id,
                        backend.get(ComputeBackend.DEVICE), has);
            }
        } catch (RuntimeException e) {
            log.critical("its descriptor could not be read: {}", e.toString());
        } finally {
            context.ungetService(ref);
        }
        return new Result(log);
    }

    /** @return the properties of the backend bound to this method's component, or null */
    private Map<String, Object> boundBackend() {
        Object id = ref.getProperty("component.id");
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(ref.getBundle())) {
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (id == null || !id.equals(c.id)) {
                    continue;
                }
                for (SatisfiedReferenceDTO r : c.satisfiedReferences) {
                    for (ServiceReferenceDTO s : r.boundServices) {
                        if (s.properties.containsKey(ComputeBackend.ID)) {
                            return s.properties;
                        }
                    }
                }
            }
        }
        return null;
    }
}
