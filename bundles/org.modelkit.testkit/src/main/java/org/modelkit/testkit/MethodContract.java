package org.modelkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;
import org.modelkit.api.method.Method;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.progress.CancelledException;
import org.modelkit.api.progress.Progress;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The clauses every Modelkit method must keep, whatever its interface. A subclass per interface adds the input
 * and the output checks ({@link EmbedderContract}, ...); a method bundle's in-framework test extends that one. The
 * clauses, each named in its failure messages:
 * <ul>
 * <li>{@code descriptor}: the service is registered under its interface and {@link Method}, its
 * {@link Method#NAME_PROPERTY} equals {@code descriptor().name()}, and the descriptor is the same on every call;</li>
 * <li>{@code bad-input}: each bad input throws {@link IllegalArgumentException} whose message names the argument;</li>
 * <li>{@code determinism}: the same input and seed give the same output;</li>
 * <li>{@code degenerate}: the output is not collapsed (every method type says what that means);</li>
 * <li>{@code progress}: a run reports progress (a stage name, done at least 0), for interfaces whose calls take a
 * {@link Progress} ({@link #takesProgress()});</li>
 * <li>{@code cancellation}: a run whose progress says cancelled throws {@link CancelledException} within
 * {@link #cancellationWithin()};</li>
 * <li>{@code shell}: the method appears in {@code modelkit:methods}, and when its bundle stops its commands are gone
 * (the bundle is started again afterwards).</li>
 * </ul>
 * The tests run in this order, the bundle stop last. The framework must hold the Gogo runtime and
 * {@code org.modelkit.shell} for the {@code shell} clause.
 *
 * @param <T> the method interface
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class MethodContract<T extends Method> {
    /** How long a method may take to appear (Declarative Services activates components asynchronously). */
    protected static final Duration APPEAR_WITHIN = Duration.ofSeconds(30);

    /** @return the method interface under test, e.g. {@code Embedder.class} */
    protected abstract Class<T> type();

    /** @return the name the method is registered under ({@link Method#NAME_PROPERTY}) */
    protected abstract String methodName();

    /**
     * Runs the method once on the subclass's valid input.
     *
     * @param method   the method
     * @param progress the progress to pass
     * @return the result
     * @throws Exception whatever the method throws
     */
    protected abstract Object run(T method, Progress progress) throws Exception;

    /**
     * @param result a result of {@link #run}
     * @return what must be equal between two runs on the same input and seed (arrays compared by content)
     */
    protected abstract List<Object> fingerprint(Object result);

    /**
     * @param result a result of {@link #run}
     * @return null if the result is not degenerate, else what is wrong with it
     */
    protected abstract String degenerate(Object result);

    /** @return the bad inputs, each with the argument its error message must name */
    protected abstract List<BadInput> badInputs(T method);

    /**
     * @return whether the {@code shell} clause may stop the method's bundle: true, unless the method lives in the
     *         test bundle itself (a fixture), which cannot stop itself while its tests run
     */
    protected boolean bundleMayStop() {
        return true;
    }

    /**
     * @return whether the interface's calls take a {@link Progress}: true unless the subclass says otherwise (a call that
     *         takes none, such as a single-image or single-sentence inference, has nothing to report or cancel, and the
     *         {@code progress} and {@code cancellation} clauses are skipped for it)
     */
    protected boolean takesProgress() {
        return true;
    }

    /** @return how soon after a cancel the method must stop: 10 s unless the subclass states otherwise */
    protected Duration cancellationWithin() {
        return Duration.ofSeconds(10);
    }

    /**
     * One bad input.
     *
     * @param what     what is wrong, for the failure message
     * @param argument the word the error message must contain (the argument's name)
     * @param call     the call that must throw
     */
    public record BadInput(String what, String argument, Executable call) {
    }

    // ---- the clauses ----

    @Test
    @Order(1)
    void descriptorIsCompleteAndStable() throws Exception {
        ServiceReference<T> ref = reference();
        T m = context().getService(ref);
        try {
            MethodDescriptor d = m.descriptor();
            assertNotNull(d, clause("descriptor", "descriptor() returned null"));
            assertEquals(methodName(), d.name(), clause("descriptor", "descriptor().name() differs from the service property "
                    + Method.NAME_PROPERTY));
            assertEquals(d, m.descriptor(), clause("descriptor", "descriptor() differs between calls"));
            String[] classes = (String[]) ref.getProperty(org.osgi.framework.Constants.OBJECTCLASS);
            assertTrue(List.of(classes).contains(Method.class.getName()), clause("descriptor", "the service is registered as "
                    + List.of(classes) + ", not also as " + Method.class.getName() + ", so modelkit:methods cannot list it"));
        } finally {
            context().ungetService(ref);
        }
    }

    @Test
    @Order(2)
    void badInputIsRefusedNamingTheArgument() throws Exception {
        T m = method();
        List<BadInput> bad = badInputs(m);
        assertFalse(bad.isEmpty(), clause("bad-input", "the contract lists no bad input"));
        for (BadInput b : bad) {
            Throwable t = null;
            try {
                b.call().execute();
            } catch (Throwable e) {
                t = e;
            }
            if (t == null) {
                fail(clause("bad-input", b.what() + ": accepted; expected IllegalArgumentException naming '" + b.argument() + "'"));
            }
            if (!(t instanceof IllegalArgumentException)) {
                fail(clause("bad-input", b.what() + ": threw " + t.getClass().getName() + " (" + t.getMessage()
                        + "); expected IllegalArgumentException naming '" + b.argument() + "'"), t);
            }
            String msg = Objects.toString(t.getMessage(), "");
            assertTrue(msg.toLowerCase(java.util.Locale.ROOT).contains(b.argument().toLowerCase(java.util.Locale.ROOT)),
                    clause("bad-input", b.what() + ": the message '" + msg + "' does not name '" + b.argument() + "'"));
        }
    }

    @Test
    @Order(3)
    void theSameInputGivesTheSameOutputAndItIsNotDegenerate() throws Exception {
        T m = method();
        Object first = run(m, Progress.NONE);
        String wrong = degenerate(first);
        assertTrue(wrong == null, clause("degenerate", wrong));
        Object second = run(m, Progress.NONE);
        List<Object> a = fingerprint(first);
        List<Object> b = fingerprint(second);
        assertEquals(a.size(), b.size(), clause("determinism", "fingerprints of different length"));
        for (int i = 0; i < a.size(); i++) {
            assertTrue(java.util.Objects.deepEquals(a.get(i), b.get(i)), clause("determinism", "part " + i
                    + " of the output differs between two runs on the same input and seed"));
        }
    }

    @Test
    @Order(4)
    void progressIsReported() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(takesProgress(), type().getSimpleName() + "'s calls take no progress");
        AtomicInteger reports = new AtomicInteger();
        List<String> problems = new ArrayList<>();
        run(method(), (stage, done, total) -> {
            reports.incrementAndGet();
            if (stage == null || stage.isBlank() || done < 0 || total < -1) {
                problems.add("report(" + stage + ", " + done + ", " + total + ")");
            }
        });
        assertTrue(reports.get() > 0, clause("progress", "a whole run reported no progress"));
        assertTrue(problems.isEmpty(), clause("progress", "malformed reports " + problems));
    }

    @Test
    @Order(5)
    void cancellationIsHonoured() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(takesProgress(), type().getSimpleName() + "'s calls take no progress");
        T m = method();
        Progress cancelled = new Progress() {
            @Override
            public void report(String stage, long done, long total) {
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        long limit = cancellationWithin().toMillis();
        CompletableFuture<Object> f = CompletableFuture.supplyAsync(() -> {
            try {
                return run(m, cancelled);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        try {
            f.get(limit, TimeUnit.MILLISECONDS);
            fail(clause("cancellation", "a run whose progress said cancelled from the start returned a result instead of "
                    + "throwing " + CancelledException.class.getSimpleName()));
        } catch (TimeoutException e) {
            f.cancel(true);
            fail(clause("cancellation", "a cancelled run did not stop within " + limit + " ms"));
        } catch (ExecutionException e) {
            Throwable c = e.getCause() instanceof java.util.concurrent.CompletionException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
            if (!(c instanceof CancelledException)) {
                fail(clause("cancellation", "a cancelled run threw " + c + " instead of " + CancelledException.class.getName()), c);
            }
        }
    }

    @Test
    @Order(90)
    void itAppearsInModelkitMethods() throws Exception {
        String methods = shell("modelkit:methods");
        assertTrue(methods.contains(methodName()), clause("shell", "modelkit:methods does not list " + methodName() + ":\n"
                + methods));
    }

    @Test
    @Order(99)
    void itsCommandsAreGoneWhenItsBundleStops() throws Exception {
        Bundle bundle = reference().getBundle();
        org.junit.jupiter.api.Assumptions.assumeTrue(bundleMayStop() && bundle != FrameworkUtil.getBundle(getClass()),
                "the method lives in the test bundle, which cannot stop itself");
        List<String> commands = new ArrayList<>();
        ServiceReference<?>[] refs = bundle.getRegisteredServices();
        for (ServiceReference<?> r : refs == null ? new ServiceReference<?>[0] : refs) {
            Object scope = r.getProperty(CommandProcessor.COMMAND_SCOPE);
            Object fn = r.getProperty(CommandProcessor.COMMAND_FUNCTION);
            if (scope != null && fn != null) {
                for (String f : fn instanceof String[] a ? a : new String[] {fn.toString()}) {
                    commands.add(scope + ":" + f);
                }
            }
        }
        bundle.stop();
        try {
            for (String c : commands) {
                String r = shellOrError(c);
                assertTrue(r.contains("Command not found"), clause("shell", c + " still answers after bundle "
                        + bundle.getSymbolicName() + " stopped: " + r));
            }
            assertFalse(shell("modelkit:methods").contains(methodName() + " "), clause("shell", "modelkit:methods still lists "
                    + methodName() + " after bundle " + bundle.getSymbolicName() + " stopped"));
        } finally {
            bundle.start();
            reference(); // back before the next test class
        }
    }

    // ---- helpers for subclasses ----

    /** @return the bundle context of the test bundle */
    protected BundleContext context() {
        Bundle b = FrameworkUtil.getBundle(getClass());
        assertNotNull(b, "the contract test runs outside an OSGi framework");
        return b.getBundleContext();
    }

    /** @return the method's service reference, waiting up to {@link #APPEAR_WITHIN} for it */
    protected ServiceReference<T> reference() throws InterruptedException {
        String filter = "(" + Method.NAME_PROPERTY + "=" + methodName() + ")";
        long end = System.nanoTime() + APPEAR_WITHIN.toNanos();
        while (true) {
            try {
                var refs = context().getServiceReferences(type(), filter);
                if (!refs.isEmpty()) {
                    return refs.iterator().next();
                }
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException("method name " + methodName() + " makes a bad filter " + filter, e);
            }
            if (System.nanoTime() > end) {
                fail(clause("descriptor", "no " + type().getSimpleName() + " service with " + filter + " within "
                        + APPEAR_WITHIN.toSeconds() + " s"));
            }
            Thread.sleep(100);
        }
    }

    /** @return the method's service object (held by the test bundle for the rest of the test) */
    protected T method() throws InterruptedException {
        ServiceReference<T> ref = reference();
        T m = context().getService(ref);
        assertNotNull(m, clause("descriptor", "the service of " + methodName() + " went away"));
        return m;
    }

    /** @return a command's result as the shell prints it */
    protected String shell(String command) throws Exception {
        ServiceReference<CommandProcessor> ref = context().getServiceReference(CommandProcessor.class);
        assertNotNull(ref, clause("shell", "no Gogo CommandProcessor in the framework"));
        CommandProcessor processor = context().getService(ref);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps)) {
            Object r = session.execute(command);
            CharSequence text = r == null ? "" : session.format(r, Converter.INSPECT);
            return out.toString(StandardCharsets.UTF_8) + text;
        } finally {
            context().ungetService(ref);
        }
    }

    private String shellOrError(String command) {
        try {
            return shell(command);
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }

    /** @return a failure message that names the clause */
    protected static String clause(String name, String message) {
        return "contract clause '" + name + "': " + message;
    }

    /**
     * @return a new empty folder for a run's output, deleted with its contents after the test
     * @throws java.io.UncheckedIOException if it cannot be made
     */
    protected Path freshFolder() {
        try {
            Path p = Files.createTempDirectory("modelkit-contract");
            folders.add(p);
            return p;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private final List<Path> folders = new ArrayList<>();

    @AfterEach
    void deleteFolders() throws java.io.IOException {
        for (Path dir : folders) {
            if (Files.exists(dir)) {
                try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
                    for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                        Files.delete(p);
                    }
                }
            }
        }
        folders.clear();
    }
}
