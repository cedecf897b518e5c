package org.modelkit.shell.format;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * The time limit of a call made through {@link Methods}, and running a call under it.
 *
 * <p>Where the limit comes from, first found wins: the method service's property {@value #PROPERTY} (a method's
 * configuration becomes its service properties, so {@code modelkit.timeout = 30s} in its {@code .cfg} sets it); the
 * framework property {@value #INFERENCE} for an inference interface (a trained model applied to inputs:
 * {@link #INFERENCE_TYPES}) or {@value #TRAINING} for the others (training, forgetting, estimating: jobs whose length
 * depends on the data); then the defaults {@link #INFERENCE_DEFAULT} and none. Values: {@code 500ms}, {@code 30s},
 * {@code 10m}, {@code 2h}, a plain number of seconds, or {@code none} (or 0).
 *
 * <p>A limited call runs in a thread of its own, started by the command's thread (so it inherits the Gogo session's
 * streams); the command's thread waits. At the limit the call is interrupted and its {@link ConsoleProgress} reads as
 * cancelled; the command then waits {@link #GRACE} for it to stop and throws {@link CallTimeoutException} either way,
 * so a call that ignores interrupts cannot hold the shell. A Ctrl-C while waiting is passed on the same way.
 */
final class Timeouts {
    /** the method service property that sets its limit */
    static final String PROPERTY = "modelkit.timeout";
    /** the framework property with the limit of inference calls that set none */
    static final String INFERENCE = "modelkit.timeout.inference";
    /** the framework property with the limit of the other calls that set none */
    static final String TRAINING = "modelkit.timeout.training";
    /** the limit of an inference call when neither the method nor the framework sets one */
    static final Duration INFERENCE_DEFAULT = Duration.ofMinutes(10);
    /** how long a timed-out or cancelled call is given to stop after its interrupt */
    static final Duration GRACE = Duration.ofSeconds(2);
    /** the interfaces whose calls apply a trained model (or a fixed computation) to inputs */
    static final Set<String> INFERENCE_TYPES = Set.of("org.modelkit.api.classify.Classifier",
            "org.modelkit.api.segment.ImageSegmenter", "org.modelkit.api.segment.Segmenter",
            "org.modelkit.api.translate.StructuredTranslator", "org.modelkit.api.embed.Embedder");

    private static final Pattern VALUE = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");
    private static final AtomicLong CALLS = new AtomicLong();
    /** the threads whose ConsoleProgress reads as cancelled: the command's and the call's, while a limit has passed */
    private static final Set<Thread> EXPIRED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Timeouts() {
    }

    /** A limit and where it was set, for the message. */
    record Limit(Duration duration, String source) {
    }

    /**
     * @param value  the setting's value (a String, or a Number of seconds)
     * @param source where it was set, for the message
     * @return the limit, or null for none
     * @throws IllegalArgumentException naming the setting and the value, if it is not a duration
     */
    static Limit parse(Object value, String source) {
        String s = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
        if (s.equals("none")) {
            return null;
        }
        Matcher m = VALUE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException(source + " '" + value + "' is not a time limit: use for example 500ms, 30s,"
                    + " 10m, 2h, a number of seconds, or none");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
        return d.isZero() ? null : new Limit(d, source);
    }

    /**
     * @param context the command's bundle context
     * @param ref     the method's service
     * @param type    its interface
     * @return the limit of a call to it, or null for none
     * @throws IllegalArgumentException if a setting on the way is not a duration
     */
    static Limit of(BundleContext context, ServiceReference<?> ref, Class<?> type) {
        Object own = ref.getProperty(PROPERTY);
        if (own != null) {
            Object pid = ref.getProperty(Constants.SERVICE_PID);
            return parse(own, PROPERTY + (pid == null ? "" : " in configuration " + pid));
        }
        boolean inference = INFERENCE_TYPES.contains(type.getName());
        String key = inference ? INFERENCE : TRAINING;
        String framework = context.getProperty(key);
        if (framework != null) {
            return parse(framework, "framework property " + key);
        }
        return inference ? new Limit(INFERENCE_DEFAULT, "the default limit of an inference call;"
                + " modelkit.timeout in the method's configuration or the framework property " + INFERENCE + " changes it") : null;
    }

    /** @return whether the limit of the call run by this thread (or started from it) has passed */
    static boolean expired(Thread t) {
        return !EXPIRED.isEmpty() && EXPIRED.contains(t);
    }

    /** What a call running under a limit does; {@link Methods.Call} with the held method. */
    @FunctionalInterface
    interface Body<R> {
        R run() throws Throwable;
    }

    /**
     * Runs the call in its own thread and waits at most the limit.
     *
     * @param limit the limit
     * @param what  the method, for example "classifier 'classify'"
     * @param body  the call
     * @return its result
     * @throws Throwable what the call threw, or {@link CallTimeoutException}
     */
    static <R> R run(Limit limit, String what, Body<R> body) throws Throwable {
        AtomicReference<R> result = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Thread.currentThread();
        Thread call = new Thread(() -> {
            try {
                result.set(body.run());
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "modelkit-call-" + CALLS.incrementAndGet() + "-" + what.replaceAll("[^A-Za-z0-9-]+", "-").replaceAll("^-+|-+$", ""));
        call.setDaemon(true); // one that ignores its interrupt must not keep the JVM from exiting
        call.start();
        boolean interrupted = false;
        try {
            call.join(Math.max(1, limit.duration().toMillis()));
        } catch (InterruptedException e) {
            interrupted = true; // Ctrl-C in the shell: pass it on below
        }
        if (call.isAlive()) {
            EXPIRED.add(caller);
            EXPIRED.add(call);
            call.interrupt();
            try {
                interrupted |= joinUninterruptibly(call, GRACE);
            } finally {
                EXPIRED.remove(caller);
                EXPIRED.remove(call);
            }
            boolean alive = call.isAlive();
            if (interrupted) {
                if (!alive && thrown.get() != null) {
                    throw thrown.get(); // its own CancelledException, most likely
                }
                throw new org.modelkit.api.progress.CancelledException("cancelled" + (alive ? "; " + what
                        + " did not stop when interrupted and still runs in thread " + call.getName() : ""));
            }
            throw new CallTimeoutException(what + " did not finish within " + format(limit.duration()) + " ("
                    + limit.source() + "); " + (alive ? "it did not stop when interrupted and still runs in thread "
                    + call.getName() : "it was interrupted and has stopped"), alive);
        }
        if (thrown.get() != null) {
            throw thrown.get();
        }
        return result.get();
    }

    /** @return whether this thread was interrupted while it waited (taken as a Ctrl-C: not set again) */
    private static boolean joinUninterruptibly(Thread t, Duration d) {
        long end = System.nanoTime() + d.toNanos();
        boolean again = false;
        while (t.isAlive()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                t.join(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                again = true;
            }
        }
        return again;
    }

    /** @return 500 ms, 30 s, 10 min, 2 h */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + " h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return ms + " ms";
    }
}
