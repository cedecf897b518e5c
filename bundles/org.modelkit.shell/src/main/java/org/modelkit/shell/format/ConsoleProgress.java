package org.modelkit.shell.format;

import java.io.PrintStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.modelkit.api.progress.CancelledException;
import org.modelkit.api.progress.Progress;

/**
 * Renders a method's progress as one line that updates in place ({@code \r}), at most every
 * {@code intervalMillis}, and can be cancelled from another thread. It counts as cancelled when
 * {@link #cancel()} was called or when the thread that created it is interrupted (Gogo interrupts a
 * command's thread on Ctrl-C), so worker threads that poll it see the interrupt too. Gogo gives each
 * command its session's streams through {@code System.out}, so create it inside the command.
 *
 * <p>Once cancelled it writes nothing more, and the command's thread takes the interrupt over as the
 * cancelled state (clearing the thread's flag): Gogo's output is an interruptible channel, and one
 * write from an interrupted thread closes it, which leaves the shell without output for good. For the
 * same reason the line is written by a writer thread of its own, never by the command's thread: a
 * Ctrl-C that interrupts the command while it is inside a write would close the channel too (the
 * launcher check, which presses Ctrl-C just after a progress line appears, hit that about once in five
 * runs). The caller waits for each write, so the output is in order and complete when report returns.
 */
public final class ConsoleProgress implements Progress {
    private final PrintStream out;
    private final long intervalNanos;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final Thread owner = Thread.currentThread();
    private long last;
    private boolean printed;
    private String shown = "";

    /**
     * @param out            where the line goes, usually {@code System.out} inside a Gogo command
     * @param intervalMillis the least time between two renderings, at least 0
     */
    public ConsoleProgress(PrintStream out, long intervalMillis) {
        this.out = sessionStream(out);
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** Writes for every instance; its thread ends when idle, so a stopped bundle leaves none behind. */
    private static final ThreadPoolExecutor WRITER = writer();

    private static ThreadPoolExecutor writer() {
        ThreadPoolExecutor e = new ThreadPoolExecutor(1, 1, 2, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "modelkit-progress-writer");
            t.setDaemon(true);
            return t;
        });
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    /**
     * Gogo's {@code System.out} picks the stream of the thread that writes; the writer thread must use
     * the command's, so it is resolved here, in the command's thread ({@code getCurrent()} of Gogo's
     * ThreadPrintStream, found by name: the runtime does not export that package).
     */
    private static PrintStream sessionStream(PrintStream out) {
        try {
            java.lang.reflect.Method current = out.getClass().getMethod("getCurrent");
            Object s = current.invoke(out);
            return s instanceof PrintStream p ? p : out;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return out;
        }
    }

    /** Hands a write to the writer thread and waits for it; an interrupt while waiting cancels. */
    private void write(String text, boolean newline) {
        Future<?> f = WRITER.submit(() -> {
            if (newline) {
                out.println(text);
            } else {
                out.print(text);
            }
            out.flush();
        });
        try {
            f.get();
        } catch (InterruptedException e) {
            cancelled.set(true); // the write goes on in the writer thread, which nobody interrupts
        } catch (ExecutionException e) {
            // the stream failed: a progress line is not worth failing the command for
        }
    }

    @Override
    public synchronized void report(String stage, long done, long total) {
        if (isCancelled()) {
            return;
        }
        long now = System.nanoTime();
        boolean finished = total >= 0 && done >= total;
        if (!finished && printed && now - last < intervalNanos) {
            return;
        }
        String amount = total >= 0 ? done + "/" + total + " (" + (total == 0 ? 100 : done * 100 / total) + "%)"
                : Long.toString(done);
        String line = stage + " " + amount;
        if (printed && line.equals(shown)) {
            return; // the same state again (a stage that reports its end twice): nothing to redraw
        }
        last = now;
        // pad over what the previous, longer line left on the screen
        write("\r" + line + " ".repeat(Math.max(0, shown.length() - line.length())), false);
        printed = true;
        shown = line;
    }

    /** Ends the progress line, if one was printed, so the next output starts on a fresh line. */
    public synchronized void finish() {
        isCancelled(); // takes an interrupt over before writing
        if (printed) {
            write("", true);
            printed = false;
            shown = "";
        }
    }

    /** Asks the running method to stop. */
    public void cancel() {
        cancelled.set(true);
    }

    @Override
    public boolean isCancelled() {
        if (Thread.currentThread() == owner && Thread.interrupted()) {
            cancelled.set(true);
        }
        // a call past its modelkit.timeout is interrupted in its own thread, which may not be the one that made this
        return cancelled.get() || owner.isInterrupted() || Timeouts.expired(owner) || Timeouts.expired(Thread.currentThread());
    }

    @Override
    public void checkCancelled() {
        if (isCancelled()) {
            throw new CancelledException("cancelled");
        }
    }
}
