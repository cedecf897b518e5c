package org.modelkit.health.internal;

import java.util.Arrays;
import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * The Declarative Services components of the framework: one whose activation threw (a bundle's {@code activate} that
 * fails, say a third-party method's) is critical, with its bundle, component and the first line of the failure; a
 * Modelkit component (one that offers a service of an {@code org.modelkit} interface) waiting for a reference is a
 * warning that names what it waits for. The other bundles keep running either way: DS isolates the failure.
 */
@Component(service = HealthCheck.class, property = {HealthCheck.NAME + "=components",
    HealthCheck.TAGS + "=" + Checks.TAG, HealthCheck.TAGS + "=components"})
public class ComponentsCheck implements HealthCheck {
    private final ServiceComponentRuntime scr;
    private final BundleContext context;

    /**
     * @param scr     DS's runtime view
     * @param context this bundle's context, to list the bundles
     */
    @Activate
    public ComponentsCheck(@Reference ServiceComponentRuntime scr, BundleContext context) {
        this.scr = scr;
        this.context = context;
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        int components = 0;
        int bad = 0;
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(context.getBundles())) {
            components++;
            boolean modelkit = d.serviceInterfaces != null
                    && Arrays.stream(d.serviceInterfaces).anyMatch(s -> s.startsWith("org.modelkit."));
            Bundle b = context.getBundle(d.bundle.id);
            String where = (b == null ? "bundle " + d.bundle.id : b.getSymbolicName() + " [" + d.bundle.id + "]") + " "
                    + d.name;
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    bad++;
                    String failure = c.failure == null ? "no reason given" : c.failure.lines().findFirst().orElse("");
                    log.critical("{}: activation failed: {}", where, failure);
                } else if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE && modelkit) {
                    bad++;
                    StringBuilder waits = new StringBuilder();
                    for (UnsatisfiedReferenceDTO u : c.unsatisfiedReferences) {
                        waits.append(waits.length() == 0 ? "" : ", ").append(u.name).append(u.target == null ? ""
                                : " " + u.target);
                    }
                    log.warn("{}: not offered, waiting for {}", where, waits);
                }
            }
        }
        if (bad == 0) {
            log.info("{} components, none failed or waiting", components);
        }
        return new Result(log);
    }
}
