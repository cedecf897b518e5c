package org.modelkit.shell.format;

import java.util.Collection;
import java.util.stream.Collectors;
import org.modelkit.api.method.Method;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * How a command calls the method it is asked for: by the name of its {@code -m NAME} option among the
 * installed services of one interface ({@value Method#NAME_PROPERTY} = NAME), so a third-party bundle's
 * implementation can be chosen, held only for the call. One place for the lookup, the messages and the
 * release, instead of a getService/ungetService block in every command. A command calls {@link #find}
 * with its other argument checks, so a wrong {@code -m} is refused before any file is read.
 *
 * <p>Every call made through here is counted in {@link MethodStats} ({@code modelkit:stats}): its latency, and
 * whether it completed, failed or was cancelled. {@link #call} and {@link #using} see the outcome; a handle from
 * {@link #hold} is timed from hold to close and counts as completed unless the thread was interrupted or the body
 * called {@link Held#failed} with what it threw.
 *
 * <p>{@link #call} and {@link #using} run the call under its time limit, {@code modelkit.timeout} (the method's
 * own setting, else the framework's {@code modelkit.timeout.inference} or {@code modelkit.timeout.training},
 * else 10 minutes for inference and none for the rest): past it the call is interrupted and the command throws
 * {@link CallTimeoutException}, also when the call ignores the interrupt (it then runs on in its own thread, named in the
 * message). A handle from {@link #hold} has no limit.
 */
public final class Methods {
    private Methods() {
    }

    /** What a command does with the method; it may throw what the command throws. */
    @FunctionalInterface
    public interface Call<S, R, E extends Exception> {
        /**
         * @param method the method service
         * @return the command's result
         * @throws E what the call throws
         */
        R apply(S method) throws E;
    }

    /**
     * Finds the method, calls it and releases it.
     *
     * @param <S>     the method's service interface
     * @param <R>     the result
     * @param <E>     what the call may throw
     * @param context the command's bundle context
     * @param type    the service interface, for example {@code FineTuner.class}
     * @param kind    what it is called in messages, for example "fine-tuner"
     * @param name    the method's name (from {@code -m})
     * @param call    what to do with it
     * @return the call's result
     * @throws IllegalArgumentException naming the installed ones, if no method of that interface has the name
     * @throws E                        what the call throws
     */
    public static <S, R, E extends Exception> R call(BundleContext context, Class<S> type, String kind, String name,
            Call<S, R, E> call) throws E {
        return using(context, type, kind, name, held -> call.apply(held.get()));
    }

    /**
     * Finds the method, runs a longer command body with it held (the body may ask the handle for the method's name),
     * records the outcome in {@link MethodStats} and releases it.
     *
     * @param <S>     the method's service interface
     * @param <R>     the result
     * @param <E>     what the body may throw
     * @param context the command's bundle context
     * @param type    the service interface
     * @param kind    what it is called in messages
     * @param name    the method's name (from {@code -m})
     * @param body    what to do with the held method
     * @return the body's result
     * @throws IllegalArgumentException naming the installed ones, if no method of that interface has the name
     * @throws E                        what the body throws
     */
    public static <S, R, E extends Exception> R using(BundleContext context, Class<S> type, String kind, String name,
            Call<Held<S>, R, E> body) throws E {
        try (Held<S> held = hold(context, type, kind, name)) {
            try {
                Timeouts.Limit limit = Timeouts.of(context, held.ref, type);
                R r = limit == null ? body.apply(held) : Methods.<R, E>limited(limit, kind + " '" + held.name() + "'",
                        () -> body.apply(held));
                held.outcome = null;
                return r;
            } catch (Throwable t) {
                held.outcome = t;
                throw t;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <R, E extends Exception> R limited(Timeouts.Limit limit, String what, Timeouts.Body<R> body) throws E {
        try {
            return Timeouts.run(limit, what, body);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw (E) t; // what the body threw: an E, the only checked exception a Call may throw
        }
    }

    /**
     * A method service held for a longer command body; {@link #close()} releases it.
     *
     * @param <S> the method's service interface
     */
    public static final class Held<S> implements AutoCloseable {
        private final BundleContext context;
        private final ServiceReference<S> ref;
        private final S service;
        private final String kind;
        private final long started = System.nanoTime();
        /** what the call threw, once {@link #using} knows; null if it returned */
        private Throwable outcome;
        private boolean closed;

        private Held(BundleContext context, ServiceReference<S> ref, S service, String kind) {
            this.context = context;
            this.ref = ref;
            this.service = service;
            this.kind = kind;
        }

        /** @return the method service */
        public S get() {
            return service;
        }

        /** @return its name */
        public String name() {
            return String.valueOf(ref.getProperty(Method.NAME_PROPERTY));
        }

        /**
         * Tells the handle what the body threw, so {@link MethodStats} counts the call as failed or cancelled (a body
         * that cannot be a {@link #using} lambda calls this in a {@code catch} before it rethrows).
         *
         * @param t what the body threw
         */
        public void failed(Throwable t) {
            outcome = t;
        }

        /** Records the call in {@link MethodStats} and releases the service; a second close does nothing. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            Throwable t = outcome == null && Thread.currentThread().isInterrupted()
                    ? new InterruptedException("the command was interrupted") : outcome;
            MethodStats.record(name(), kind, System.nanoTime() - started, t);
            context.ungetService(ref);
        }
    }

    /**
     * Finds the method and holds it until the returned handle is closed (try-with-resources).
     *
     * @param <S>     the method's service interface
     * @param context the command's bundle context
     * @param type    the service interface
     * @param kind    what it is called in messages
     * @param name    the method's name (from {@code -m})
     * @return the held method
     * @throws IllegalArgumentException naming the installed ones, if no method of that interface has the name
     */
    public static <S> Held<S> hold(BundleContext context, Class<S> type, String kind, String name) {
        ServiceReference<S> ref = find(context, type, kind, name);
        S method = context.getService(ref);
        if (method == null) {
            throw new IllegalStateException(kind + " '" + name + "' went away");
        }
        return new Held<>(context, ref, method, kind);
    }

    /**
     * @param context the command's bundle context
     * @param type    the service interface
     * @param kind    what it is called in messages
     * @param name    the method's name
     * @param <S>     the interface
     * @return the reference of the method with that name (the highest ranked if several)
     * @throws IllegalArgumentException naming the installed ones, if none has the name
     */
    public static <S> ServiceReference<S> find(BundleContext context, Class<S> type, String kind, String name) {
        if (name == null || !name.matches("[a-z][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException("-m '" + name + "' is not a method name (lower-case letters, digits, dashes)");
        }
        try {
            Collection<ServiceReference<S>> refs = context.getServiceReferences(type, "(" + Method.NAME_PROPERTY + "=" + name + ")");
            if (!refs.isEmpty()) {
                return refs.stream().max(ServiceReference::compareTo).orElseThrow();
            }
            String installed = context.getServiceReferences(type, null).stream()
                    .map(r -> String.valueOf(r.getProperty(Method.NAME_PROPERTY))).sorted().collect(Collectors.joining(", "));
            throw new IllegalArgumentException("no " + kind + " named '" + name + "' is installed; installed: "
                    + (installed.isEmpty() ? "none (a method that needs a compute backend is offered only while one is"
                    + " bound: see modelkit:methods and modelkit:backends)" : installed));
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("-m '" + name + "' is not a method name", e);
        }
    }
}
