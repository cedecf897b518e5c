package org.modelkit.itest;

import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** A configured component: shows what configuration reached it, and how often it was (re)activated. */
@Component(service = ConfiguredProbe.class, configurationPid = ConfiguredProbe.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = ConfiguredProbe.Config.class)
public class ConfiguredProbe {
    static final String PID = "org.modelkit.itest.probe";

    @ObjectClassDefinition(name = "Integration-test probe", description = "Shows that configuration reaches a component")
    @interface Config {
        @AttributeDefinition(description = "a word that the test sets")
        String greeting() default "hello";

        @AttributeDefinition(description = "a number that the test sets", min = "0")
        int count() default 1;
    }

    private volatile Config config;
    final AtomicInteger activations = new AtomicInteger();
    final AtomicInteger modifications = new AtomicInteger();

    @Activate
    public ConfiguredProbe(Config config) {
        this.config = config;
        activations.incrementAndGet();
    }

    @Modified
    void modified(Config config) {
        this.config = config;
        modifications.incrementAndGet();
    }

    public String greeting() {
        return config.greeting();
    }

    public int count() {
        return config.count();
    }
}
