package org.modelkit.shell.internal;

import java.io.File;
import java.io.IOException;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.logging.Logger;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.service.component.annotations.Component;

/**
 * Claims the {@code .jar} files FileInstall finds that are not OSGi bundles (no {@code Bundle-SymbolicName}), so that
 * one dropped into {@code runtime/load/} by mistake is logged by name instead of being ignored without a word
 * (FileInstall has no handler for it and says nothing). Bundles are left to FileInstall's own installer.
 */
@Component(service = ArtifactInstaller.class)
public class NotABundle implements ArtifactInstaller {
    private static final Logger LOG = Logger.getLogger(NotABundle.class.getName());

    @Override
    public boolean canHandle(File artifact) {
        if (!artifact.getName().endsWith(".jar")) {
            return false;
        }
        try (JarFile jar = new JarFile(artifact)) {
            Manifest m = jar.getManifest();
            return m == null || m.getMainAttributes().getValue("Bundle-SymbolicName") == null;
        } catch (IOException e) {
            return true; // not even a jar: claimed, and logged by install
        }
    }

    @Override
    public void install(File artifact) {
        LOG.warning(artifact + " is not an OSGi bundle (no Bundle-SymbolicName in its manifest): ignored");
    }

    @Override
    public void update(File artifact) {
        install(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        // nothing was installed
    }
}
