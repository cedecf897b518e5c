package org.modelkit.health.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.modelkit.shell.format.TextTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * {@code modelkit:health}: runs every health check with a tag (default {@value Checks#TAG}) and shows the results as
 * a table. It runs the {@link HealthCheck} services itself, so it needs only the Felix Health Check API; where the
 * Health Check core is installed, {@code hc:exec -t modelkit} runs the same checks.
 */
@Component(service = HealthCommands.class)
@GogoCommand(scope = "modelkit", function = {"health"})
public class HealthCommands {
    /** How long one check may take before it is reported as timed out. */
    static final long TIMEOUT_SECONDS = 60;
    private final BundleContext context;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "modelkit-health");
        t.setDaemon(true);
        return t;
    });

    /** @param context this bundle's context, to find the checks */
    @Activate
    public HealthCommands(BundleContext context) {
        this.context = context;
    }

    @Deactivate
    void close() {
        pool.shutdownNow();
    }

    /** One check's outcome. */
    record Row(String name, List<String> tags, Result.Status status, double millis, String message) {
    }

    /**
     * @param tag the tag of the checks to run
     * @return name, tags, status, time and messages of each check, the worst first
     * @throws InterruptedException if the command is interrupted
     */
    @Descriptor("run the health checks (Felix Health Checks) with a tag and show name, tags, status, time and messages")
    public TextTable health(
            @Descriptor("the tag: modelkit (every check), backend, method, store or components")
            @Parameter(names = {"-t", "--tag"}, absentValue = Checks.TAG) String tag) throws InterruptedException {
        if (!tag.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("-t '" + tag + "' is not a tag (letters, digits, '.', '_', '-')");
        }
        List<List<String>> rows = new ArrayList<>();
        for (Row r : run(tag)) {
            rows.add(List.of(r.name(), String.join(",", r.tags()), r.status().name(),
                    String.format(Locale.ROOT, "%.0f ms", r.millis()), r.message()));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no health check has the tag '" + tag
                    + "' (the tags: modelkit, backend, method, store, components)");
        }
        return new TextTable(List.of("CHECK", "TAGS", "STATUS", "TIME", "MESSAGE"), rows);
    }

    List<Row> run(String tag) throws InterruptedException {
        List<Row> rows = new ArrayList<>();
        try {
            for (ServiceReference<HealthCheck> ref : context.getServiceReferences(HealthCheck.class,
                    "(" + HealthCheck.TAGS + "=" + tag + ")")) {
                rows.add(run(ref));
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("-t '" + tag + "' is not a tag", e);
        }
        rows.sort(Comparator.comparing((Row r) -> -r.status().ordinal()).thenComparing(Row::name));
        return rows;
    }

    private Row run(ServiceReference<HealthCheck> ref) throws InterruptedException {
        String name = String.valueOf(ref.getProperty(HealthCheck.NAME));
        List<String> tags = Checks.tags(ref.getProperty(HealthCheck.TAGS));
        HealthCheck check = context.getService(ref);
        if (check == null) {
            return new Row(name, tags, Result.Status.TEMPORARILY_UNAVAILABLE, 0, "the check went away");
        }
        long t0 = System.nanoTime();
        try {
            Future<Result> f = pool.submit(check::execute);
            Result result;
            try {
                result = f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                return new Row(name, tags, Result.Status.HEALTH_CHECK_ERROR, (System.nanoTime() - t0) / 1e6,
                        "timed out after " + TIMEOUT_SECONDS + " s");
            } catch (InterruptedException e) {
                f.cancel(true);
                throw e;
            } catch (ExecutionException e) {
                return new Row(name, tags, Result.Status.HEALTH_CHECK_ERROR, (System.nanoTime() - t0) / 1e6,
                        "the check threw " + e.getCause());
            }
            StringBuilder m = new StringBuilder();
            for (ResultLog.Entry e : result) {
                if (e.getStatus() == Result.Status.OK && e.isDebug()) {
                    continue;
                }
                m.append(m.length() == 0 ? "" : "; ").append(e.getMessage());
            }
            return new Row(name, tags, result.getStatus(), (System.nanoTime() - t0) / 1e6, m.toString());
        } finally {
            context.ungetService(ref);
        }
    }
}
