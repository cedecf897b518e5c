package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;

/** Waits for asynchronous framework work (configuration delivery, file polling) to show. */
final class Await {
    private Await() {
    }

    /**
     * How long to wait: 180 s, or the system property modelkit.itest.await in seconds. The first backend
     * of a run initialises libtorch (natives extracted into the DJL cache on a fresh machine), which on a
     * 2-core machine shared with another CPU-heavy process took more than the former 60 s.
     */
    static final long SECONDS = Long.getLong("modelkit.itest.await", 180);

    static void until(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return;
            }
            Thread.sleep(25);
        }
        fail("timed out after " + SECONDS + " s waiting for " + what);
    }
}
