package org.modelkit.compute.api;

/**
 * Whether a backend can compute, on which device, and why not. There is no silent fallback: a backend
 * configured for a GPU that it cannot use is either unavailable (policy fail) or reports that it fell
 * back to the CPU (policy cpu), with the reason.
 *
 * @param available whether calls can be made
 * @param device    the device actually used, for example "cpu" or "gpu:0"; for an unavailable backend
 *                  the device it was configured for
 * @param reason    why the backend is unavailable or fell back; empty when it runs as configured
 * @param fallback  whether it runs on another device than configured
 */
public record BackendStatus(boolean available, String device, String reason, boolean fallback) {
    /** @throws IllegalArgumentException if device or reason is null, or a state lacks its reason */
    public BackendStatus {
        if (device == null || device.isBlank() || reason == null) {
            throw new IllegalArgumentException("device must be named and reason must not be null");
        }
        if ((!available || fallback) && reason.isBlank()) {
            throw new IllegalArgumentException("an unavailable or fallen-back backend must say why");
        }
        if (!available && fallback) {
            throw new IllegalArgumentException("a backend that fell back is available on its fallback device");
        }
    }

    /**
     * @param device the device used
     * @return the status of a backend running as configured
     */
    public static BackendStatus running(String device) {
        return new BackendStatus(true, device, "", false);
    }

    /**
     * @param configured the configured device
     * @param reason     why it cannot be used
     * @return the status of an unavailable backend
     */
    public static BackendStatus unavailable(String configured, String reason) {
        return new BackendStatus(false, configured, reason, false);
    }

    /**
     * @param device the device used instead of the configured one
     * @param reason why the configured device could not be used
     * @return the status of a backend that fell back
     */
    public static BackendStatus fellBack(String device, String reason) {
        return new BackendStatus(true, device, reason, true);
    }

    /**
     * The status of a backend whose configuration has a bad value: unavailable, with a reason that
     * names the file (FileInstall's {@code felix.fileinstall.filename}) or else the configuration's PID,
     * the key and the value, so that {@code modelkit:backends} shows it rather than losing the backend.
     *
     * @param configured the configured device, as far as it can be told
     * @param properties the component's configuration properties
     * @param problem    what is wrong, for example {@code device 'tpu:7' must be cpu or gpu:N}
     * @return the status
     */
    public static BackendStatus misconfigured(String configured, java.util.Map<String, ?> properties, String problem) {
        Object file = properties.get("felix.fileinstall.filename");
        String source;
        if (file != null) {
            String f = file.toString();
            try {
                source = f.startsWith("file:") ? java.nio.file.Path.of(java.net.URI.create(f)).toString() : f;
            } catch (IllegalArgumentException e) {
                source = f;
            }
        } else {
            Object pid = properties.get("service.pid");
            source = "configuration " + (pid == null ? "(unknown)" : pid);
        }
        return unavailable(configured == null || configured.isBlank() ? "unknown" : configured,
                "misconfigured in " + source + ": " + problem);
    }

    @Override
    public String toString() {
        return available ? (fallback ? "available on " + device + " (fell back: " + reason + ")" : "available on " + device)
                : "unavailable: " + reason;
    }
}
