package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Hashtable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ConfigurationTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 30000)
    ConfiguredProbe probe;

    @InjectService(timeout = 30000)
    MetaTypeService metaType;

    @AfterEach
    void reset() throws Exception {
        Configuration c = configAdmin.getConfiguration(ConfiguredProbe.PID, "?");
        if (c.getProperties() != null) {
            c.delete();
        }
        Await.until("the probe back on its defaults", () -> probe.greeting().equals("hello"));
    }

    @Test
    void configurationFromConfigAdminReachesTheComponentWithoutReactivation() throws Exception {
        int activations = probe.activations.get();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("greeting", "bonjour");
        props.put("count", 7);
        configAdmin.getConfiguration(ConfiguredProbe.PID, "?").update(props);
        Await.until("greeting=bonjour at the probe", () -> probe.greeting().equals("bonjour"));
        assertEquals(7, probe.count());
        assertEquals(activations, probe.activations.get(), "@Modified must take the change, not a re-activation");
    }

    @Test
    void aCfgFileDroppedIntoTheWatchedFolderReachesTheComponent() throws Exception {
        Path dir = Path.of(context.getProperty("felix.fileinstall.dir"));
        Files.createDirectories(dir);
        Path cfg = dir.resolve(ConfiguredProbe.PID + ".cfg");
        Path tmp = dir.resolve(ConfiguredProbe.PID + ".tmp");
        Files.writeString(tmp, "greeting = from-file\ncount = 3\n");
        Files.move(tmp, cfg);
        try {
            Await.until("greeting=from-file at the probe", () -> probe.greeting().equals("from-file"));
            assertEquals(3, probe.count());
        } finally {
            Files.delete(cfg);
        }
        Await.until("the configuration removed with its file", () -> probe.greeting().equals("hello"));
    }

    @Test
    void metatypeDescribesTheConfiguration() {
        ObjectClassDefinition ocd = metaType.getMetaTypeInformation(context.getBundle())
                .getObjectClassDefinition(ConfiguredProbe.PID, null);
        assertNotNull(ocd);
        AttributeDefinition greeting = Arrays.stream(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL))
                .filter(a -> a.getID().equals("greeting")).findFirst().orElseThrow();
        assertEquals("hello", greeting.getDefaultValue()[0]);
        assertEquals("a word that the test sets", greeting.getDescription());
    }
}
