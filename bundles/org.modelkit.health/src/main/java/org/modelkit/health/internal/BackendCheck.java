package org.modelkit.health.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.modelkit.api.data.Tensor;
import org.modelkit.compute.api.BackendStatus;
import org.modelkit.compute.api.ComputeBackend;
import org.modelkit.compute.api.LoadedModel;
import org.modelkit.compute.api.ModelFormat;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * One compute backend: available, on which device, and a tiny inference round trip through its own
 * {@link ComputeBackend#load}: a 2→2 linear layer (weights [[1, 2], [3, 4]], bias [0.5, −0.5], exported from PyTorch
 * 1.13 as ONNX and TorchScript, in this bundle) applied to [1, 1] must give [3.5, 6.5].
 */
final class BackendCheck implements HealthCheck {
    static final float[] INPUT = {1f, 1f};
    static final float[] EXPECTED = {3.5f, 6.5f};
    private final BundleContext context;
    private final ServiceReference<ComputeBackend> ref;

    BackendCheck(BundleContext context, ServiceReference<ComputeBackend> ref) {
        this.context = context;
        this.ref = ref;
    }

    @Override
    public Result execute() {
        ComputeBackend backend = context.getService(ref);
        if (backend == null) {
            FormattingResultLog log = new FormattingResultLog();
            log.temporarilyUnavailable("backend {} went away", ref.getProperty(ComputeBackend.ID));
            return new Result(log);
        }
        try {
            return execute(backend);
        } finally {
            context.ungetService(ref);
        }
    }

    private Result execute(ComputeBackend backend) {
        FormattingResultLog log = new FormattingResultLog();
        BackendStatus s = backend.status();
        if (!s.available()) {
            log.critical("{} ({}) is unavailable: {}", backend.id(), backend.engine(), s.reason());
            return new Result(log);
        }
        if (s.fallback()) {
            log.warn("{} fell back to {}: {}", backend.id(), s.device(), s.reason());
        } else {
            log.info("{} ({}) on {}", backend.id(), backend.engine(), s.device());
        }
        ModelFormat format = backend.formats().contains(ModelFormat.ONNX) ? ModelFormat.ONNX
                : backend.formats().contains(ModelFormat.TORCHSCRIPT) ? ModelFormat.TORCHSCRIPT : null;
        if (format == null) {
            log.warn("no round trip: {} loads none of ONNX and TorchScript (it loads {})", backend.id(), backend.formats());
            return new Result(log);
        }
        Path file = null;
        try {
            file = Files.createTempFile("modelkit-health-", format == ModelFormat.ONNX ? ".onnx" : ".pt");
            try (InputStream in = BackendCheck.class.getResourceAsStream(format == ModelFormat.ONNX ? "round-trip.onnx"
                    : "round-trip.pt")) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            long t0 = System.nanoTime();
            float[] y;
            try (LoadedModel m = backend.load(file, format)) {
                List<Tensor> out = m.run(List.of(Tensor.of(INPUT, 1, 2)));
                y = out.get(0).toArray();
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            if (y.length != 2 || Math.abs(y[0] - EXPECTED[0]) > 1e-5 || Math.abs(y[1] - EXPECTED[1]) > 1e-5) {
                log.critical("round trip ({}) gave {} instead of [3.5, 6.5]", format, java.util.Arrays.toString(y));
            } else {
                log.info("round trip ({}): load and one forward pass in {} ms", format, String.format(Locale.ROOT, "%.1f", ms));
            }
        } catch (IOException | RuntimeException e) {
            log.critical("round trip ({}) failed: {}", format, e.toString());
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    log.debug("could not delete {}: {}", file, e.toString());
                }
            }
        }
        return new Result(log);
    }
}
