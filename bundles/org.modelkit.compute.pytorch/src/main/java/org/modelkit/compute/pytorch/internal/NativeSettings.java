package org.modelkit.compute.pytorch.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The native libraries' environment settings that correctness depends on, set in the process before libtorch
 * loads when the container did not set them: {@code ONEDNN_MAX_CPU_ISA=SSE41} (oneDNN's AVX2 and AVX-512
 * convolution backward kernels return NaN gradients now and then on this project's reference CPU: README, Known
 * issues) and {@code MKL_ENABLE_INSTRUCTIONS=AVX2}. Both libraries read them once, at their first call, from the
 * C environment, which Java cannot change (System.getenv is a copy), so they are set through libc's
 * {@code setenv} (JNA, already in the runtime for DJL). The launcher sets them before the JVM starts; a container
 * that starts its own JVM (Karaf, an Eclipse platform) gets them from here. A value set by the user is kept.
 */
final class NativeSettings {
    private static final Logger LOG = Logger.getLogger(NativeSettings.class.getName());
    /** The settings and their defaults. */
    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("ONEDNN_MAX_CPU_ISA", "SSE41");
        DEFAULTS.put("MKL_ENABLE_INSTRUCTIONS", "AVX2");
    }

    /** libc's environment functions. */
    interface LibC extends Library {
        String getenv(String name);

        int setenv(String name, String value, int overwrite);
    }

    private NativeSettings() {
    }

    /**
     * Sets each default that the process environment lacks; called once, before the engine loads libtorch.
     *
     * @return the settings in effect, name to value (a missing libc leaves the environment as it is)
     */
    static Map<String, String> apply() {
        return apply(DEFAULTS);
    }

    /**
     * Sets each of the given defaults that the process environment lacks.
     *
     * @param defaults variable name to value
     * @return the values in effect afterwards, as the C library sees them
     */
    static Map<String, String> apply(Map<String, String> defaults) {
        Map<String, String> effective = new LinkedHashMap<>();
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            defaults.keySet().forEach(k -> effective.put(k, System.getenv(k)));
            return effective; // oneDNN's fault was seen on Linux x86-64; elsewhere the container's environment rules
        }
        LibC libc;
        try {
            libc = Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError e) {
            LOG.warning("libc not found through JNA (" + e.getMessage() + "): set " + defaults + " before the JVM starts");
            defaults.keySet().forEach(k -> effective.put(k, System.getenv(k)));
            return effective;
        }
        for (Map.Entry<String, String> d : defaults.entrySet()) {
            String now = libc.getenv(d.getKey());
            if (now == null || now.isEmpty()) {
                if (libc.setenv(d.getKey(), d.getValue(), 0) == 0) {
                    LOG.info(d.getKey() + " was not set; set to " + d.getValue() + " before libtorch loads (README, Known issues)");
                    now = libc.getenv(d.getKey());
                } else {
                    LOG.warning("could not set " + d.getKey() + "=" + d.getValue() + ": set it before the JVM starts");
                }
            }
            effective.put(d.getKey(), now);
        }
        return effective;
    }
}
