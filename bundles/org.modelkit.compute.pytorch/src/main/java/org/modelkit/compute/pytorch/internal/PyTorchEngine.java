package org.modelkit.compute.pytorch.internal;

import ai.djl.engine.Engine;
import java.util.logging.Logger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The one place that touches DJL's {@link Engine} first. DJL discovers engines with ServiceLoader in
 * a static initializer and finds its natives through the thread context class loader; a failed first
 * discovery is permanent for the JVM. So this component sets the TCCL to the DJL wrapper's class
 * loader while the engine initialises, then restores it. Backends depend on this service, so nothing
 * else reaches Engine before. Before that, {@link NativeSettings} puts the oneDNN setting that correctness needs
 * into the process environment if the container left it out.
 */
@Component(service = PyTorchEngine.class, immediate = true)
public class PyTorchEngine {
    private static final Logger LOG = Logger.getLogger(PyTorchEngine.class.getName());
    private final Engine engine;

    /** Initialises the PyTorch engine, after the native settings it needs (NativeSettings). */
    @Activate
    public PyTorchEngine() {
        NativeSettings.apply();
        this.engine = withDjlLoader(() -> Engine.getEngine("PyTorch"));
        LOG.info("DJL " + Engine.getDjlVersion() + ", PyTorch " + engine.getVersion() + ", " + engine.getGpuCount()
                + " GPU(s) visible");
    }

    /** Runs DJL code that may load resources, with the DJL wrapper's class loader as the TCCL. */
    static <T> T withDjlLoader(java.util.function.Supplier<T> work) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(Engine.class.getClassLoader());
        try {
            return work.get();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    Engine engine() {
        return engine;
    }
}
