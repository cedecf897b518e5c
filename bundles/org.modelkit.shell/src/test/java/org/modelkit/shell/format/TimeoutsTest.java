package org.modelkit.shell.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.modelkit.api.progress.CancelledException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

class TimeoutsTest {
    private static final Timeouts.Limit HALF_SECOND = new Timeouts.Limit(Duration.ofMillis(500), "a test limit");

    @Test
    void valuesParseOrAreRefusedNamingTheSetting() {
        assertEquals(Duration.ofMillis(500), Timeouts.parse("500ms", "x").duration());
        assertEquals(Duration.ofSeconds(30), Timeouts.parse("30s", "x").duration());
        assertEquals(Duration.ofSeconds(30), Timeouts.parse(30, "x").duration());
        assertEquals(Duration.ofMinutes(10), Timeouts.parse(" 10M ", "x").duration());
        assertEquals(Duration.ofHours(2), Timeouts.parse("2h", "x").duration());
        assertNull(Timeouts.parse("none", "x"));
        assertNull(Timeouts.parse("0", "x"));
        for (String bad : new String[] {"", "-1s", "5x", "1.5s", "9999999999s", "s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Timeouts.parse(bad, "modelkit.timeout in configuration p"), bad);
            assertEquals("modelkit.timeout in configuration p '" + bad + "' is not a time limit: use for example 500ms,"
                    + " 30s, 10m, 2h, a number of seconds, or none", e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<Object> ref(Map<String, Object> properties) {
        return (ServiceReference<Object>) Proxy.newProxyInstance(TimeoutsTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (p, m, a) -> m.getName().equals("getProperty")
                        ? properties.get((String) a[0]) : null);
    }

    private static BundleContext framework(Map<String, String> properties) {
        return (BundleContext) Proxy.newProxyInstance(TimeoutsTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> m.getName().equals("getProperty")
                        ? properties.get((String) a[0]) : null);
    }

    @Test
    void theMethodsSettingWinsThenTheFrameworksThenTheDefault() throws Exception {
        Class<?> classifier = Class.forName("org.modelkit.api.classify.Classifier");
        Class<?> forgetter = Class.forName("org.modelkit.api.forget.Forgetter");
        Timeouts.Limit own = Timeouts.of(framework(Map.of(Timeouts.INFERENCE, "1h")),
                ref(Map.of("modelkit.timeout", "3s", "service.pid", "org.example.cls")), classifier);
        assertEquals(Duration.ofSeconds(3), own.duration());
        assertEquals("modelkit.timeout in configuration org.example.cls", own.source());
        assertEquals(Duration.ofHours(1), Timeouts.of(framework(Map.of(Timeouts.INFERENCE, "1h")), ref(Map.of()),
                classifier).duration());
        assertEquals(Timeouts.INFERENCE_DEFAULT, Timeouts.of(framework(Map.of()), ref(Map.of()), classifier).duration());
        assertNull(Timeouts.of(framework(Map.of()), ref(Map.of()), forgetter), "training has no limit by default");
        assertEquals(Duration.ofMinutes(5), Timeouts.of(framework(Map.of(Timeouts.TRAINING, "5m")), ref(Map.of()),
                forgetter).duration());
        assertNull(Timeouts.of(framework(Map.of()), ref(Map.of("modelkit.timeout", "none")), classifier));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Timeouts.of(framework(Map.of(Timeouts.TRAINING, "soon")), ref(Map.of()), forgetter));
        assertTrue(e.getMessage().startsWith("framework property modelkit.timeout.training 'soon' is not"), e.getMessage());
    }

    @Test
    void aCallWithinItsLimitReturnsOrThrowsWhatItThrew() throws Throwable {
        assertEquals("done", Timeouts.run(HALF_SECOND, "m", () -> "done"));
        IOException io = new IOException("no such file");
        assertEquals(io, assertThrows(IOException.class, () -> Timeouts.run(HALF_SECOND, "m", () -> {
            throw io;
        })));
    }

    @Test
    void aCallPastItsLimitThatHonoursTheInterruptStops() throws Throwable {
        AtomicBoolean stopped = new AtomicBoolean();
        long t0 = System.nanoTime();
        CallTimeoutException e = assertThrows(CallTimeoutException.class, () -> Timeouts.run(HALF_SECOND,
                "classifier 'slow'", () -> {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException x) {
                        stopped.set(true);
                        throw new CancelledException("cancelled");
                    }
                    return null;
                }));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals("classifier 'slow' did not finish within 500 ms (a test limit); it was interrupted and has stopped",
                e.getMessage());
        assertFalse(e.stillRunning());
        assertTrue(stopped.get());
        assertTrue(seconds >= 0.5 && seconds < 10, seconds + " s");
    }

    @Test
    void aCallThatIgnoresItsInterruptDoesNotHoldTheCaller() throws Throwable {
        CountDownLatch release = new CountDownLatch(1);
        CallTimeoutException e = assertThrows(CallTimeoutException.class, () -> Timeouts.run(HALF_SECOND,
                "classifier 'stuck'", () -> {
                    while (true) {
                        try {
                            if (release.await(10, TimeUnit.SECONDS)) {
                                return null;
                            }
                        } catch (InterruptedException ignored) {
                            // a badly written method
                        }
                    }
                }));
        assertTrue(e.stillRunning());
        assertTrue(e.getMessage().matches("classifier 'stuck' did not finish within 500 ms \\(a test limit\\); it did not"
                + " stop when interrupted and still runs in thread modelkit-call-\\d+-classifier-stuck"), e.getMessage());
        String thread = e.getMessage().substring(e.getMessage().lastIndexOf(' ') + 1);
        assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(thread) && t.isDaemon()));
        release.countDown();
    }

    @Test
    void progressMadeByTheCommandReadsCancelledInTheCallPastTheLimit() throws Throwable {
        ConsoleProgress progress = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), 0);
        AtomicBoolean sawCancel = new AtomicBoolean();
        assertThrows(CallTimeoutException.class, () -> Timeouts.run(HALF_SECOND, "embedder 'polling'", () -> {
            long end = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < end) {
                if (progress.isCancelled()) { // polls only, never sleeps: the interrupt alone would not reach it
                    sawCancel.set(true);
                    throw new CancelledException("cancelled");
                }
                Thread.onSpinWait();
            }
            return null;
        }));
        assertTrue(sawCancel.get());
        assertFalse(progress.isCancelled(), "the command's own progress is not cancelled once the call has ended");
    }

    @Test
    void anInterruptOfTheWaitingCommandCancelsTheCall() throws Exception {
        Timeouts.Limit minute = new Timeouts.Limit(Duration.ofMinutes(1), "x");
        AtomicBoolean stopped = new AtomicBoolean();
        Thread command = Thread.currentThread();
        Thread ctrlC = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                return;
            }
            command.interrupt();
        });
        ctrlC.start();
        CancelledException e = assertThrows(CancelledException.class, () -> Timeouts.run(minute, "m", () -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException x) {
                stopped.set(true);
                throw new CancelledException("cancelled by the call");
            }
            return null;
        }));
        assertEquals("cancelled by the call", e.getMessage());
        assertTrue(stopped.get());
        assertFalse(Thread.interrupted(), "the interrupt is taken as the cancellation, not left set");
    }
}
