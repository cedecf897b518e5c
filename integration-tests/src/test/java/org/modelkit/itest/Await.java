package org.modelkit.itest;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;

/** Waits for asynchronous framework work (configuration delivery, file polling) to show. */
final class Await {
    private Await() {
    }

    static void until(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return;
            }
            Thread.sleep(25);
        }
        fail("timed out after 60 s waiting for " + what);
    }
}
