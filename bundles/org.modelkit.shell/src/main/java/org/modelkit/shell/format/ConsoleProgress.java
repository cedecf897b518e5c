package org.modelkit.shell.format;

import java.io.PrintStream;
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
 * write from an interrupted thread closes it, which leaves the shell without output for good.
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
        this.out = out;
        this.intervalNanos = intervalMillis * 1_000_000L;
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
        out.print("\r" + line + " ".repeat(Math.max(0, shown.length() - line.length())));
        out.flush();
        printed = true;
        shown = line;
    }

    /** Ends the progress line, if one was printed, so the next output starts on a fresh line. */
    public synchronized void finish() {
        isCancelled(); // takes an interrupt over before writing
        if (printed) {
            out.println();
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
        return cancelled.get() || owner.isInterrupted();
    }

    @Override
    public void checkCancelled() {
        if (isCancelled()) {
            throw new CancelledException("cancelled");
        }
    }
}
